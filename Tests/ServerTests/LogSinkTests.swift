import Foundation
import Logging
@testable import Server
import Testing

/// The log queue: request threads never wait on stderr, and nothing is lost silently.
@Suite struct LogSinkTests {
    /// A pipe whose read end the test drains when it chooses.
    func pipe() -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        _ = Foundation.pipe(&fds)
        return (fds[0], fds[1])
    }

    func readAll(_ fd: Int32) -> String {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &chunk, chunk.count)
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func linesArriveWholeAndInOrder() throws {
        let (r, w) = pipe()
        defer { close(r); close(w) }
        let sink = LogSink(descriptor: w)
        let handler = JSONLogHandler(label: "t", sink: sink)
        let logger = Logger(label: "t", factory: { _ in handler })
        for i in 0..<500 { logger.info("line \(i)", metadata: ["n": "\(i)"]) }
        #expect(sink.flush())
        sink.close()
        let lines = readAll(r).split(separator: "\n")
        #expect(lines.count == 500)
        #expect(lines.first?.contains("\"msg\":\"line 0\"") == true && lines.last?.contains("\"n\":\"499\"") == true)
        #expect(sink.droppedLines == 0)
    }

    /// With nobody reading stderr, writers still return at once; what does not fit is
    /// counted, and reported as a line of its own once stderr drains.
    @Test func aBlockedStderrNeverBlocksWritersAndDropsAreCounted() throws {
        let (r, w) = pipe()
        defer { close(r); close(w) }
        let sink = LogSink(descriptor: w, capacityBytes: 4096)
        let line = String(repeating: "x", count: 99) + "\n"
        let start = Date()
        for _ in 0..<20_000 { sink.write(line) }
        #expect(Date().timeIntervalSince(start) < 2, "writers waited on a blocked stderr")
        #expect(sink.droppedLines > 0)
        let dropped = sink.droppedLines
        var output = ""
        let deadline = Date().addingTimeInterval(10)
        while !output.contains("log lines dropped"), Date() < deadline {
            output += readAll(r)
            usleep(10_000)
        }
        #expect(sink.flush())
        output += readAll(r)
        sink.close()
        #expect(output.contains("log lines dropped"))
        let written = output.split(separator: "\n").filter { $0.hasPrefix("xxx") }.count
        #expect(written + dropped == 20_000)
    }
}
