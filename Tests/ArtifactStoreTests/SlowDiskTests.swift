import ArtifactStore
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Storage
import Testing

/// A disk on which every call takes `seconds` on the thread that makes it, the way a
/// throttled or failing disk holds a read: through `pool` (the store's own choice), or on
/// the caller's thread when `pool` is nil, which is what the store must never do.
struct SlowDisk: DiskCalls {
    let seconds: Double
    let pool: (any DiskCalls)?

    func run<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
        let seconds = seconds
        let slowWork: @Sendable () throws -> Result = {
            Thread.sleep(forTimeInterval: seconds)
            return try work()
        }
        guard let pool else { return try slowWork() }
        return try await pool.run(slowWork)
    }
}

/// Downloads from a store on a slow disk must not hold up anybody else's request: with the
/// disk calls on the I/O pool, a request that needs no disk is answered at once while
/// six downloads wait on the disk; with the same calls on the request threads it is not.
@Suite(.serialized) struct SlowDiskTests {
    @Test func downloadsFromASlowDiskHoldUpNoOtherRequest() async throws {
        let onPool = try await pingSeconds(disk: SlowDisk(seconds: 0.6, pool: ThreadPoolDiskCalls()))
        #expect(onPool.max() ?? 1 < 0.3, "pings took \(onPool) s while downloads waited on the disk")
        // The control: the same load with the disk calls on the request threads stalls the pings,
        // so this test would catch a blocking call that slipped back onto them.
        let inline = try await pingSeconds(disk: SlowDisk(seconds: 0.6, pool: nil))
        #expect(inline.max() ?? 0 > 0.3, "pings took \(inline) s although the disk calls blocked request threads")
    }

    /// How long each of 25 pings takes while six downloads from a store on `disk` run.
    func pingSeconds(disk: SlowDisk) async throws -> [Double] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slow-disk-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try ArtifactPath("run/artifacts/model.bin")
        // The file goes in through a fast disk; only the downloads meet the slow one.
        _ = try await LocalBlobStore(root: folder).put(path, chunks: [ByteBuffer(repeating: 7, count: 4096)].async, limit: nil)
        let store = try LocalBlobStore(root: folder, disk: disk)
        let router = Router()
        router.get("blob") { _, _ -> Response in
            let content = try await store.get(path, range: nil)
            return Response(status: .ok, body: ResponseBody(asyncSequence: content.chunks))
        }
        router.get("ping") { _, _ in "pong" }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            guard let port = client.port else { throw CancellationError() }
            return try await withThrowingTaskGroup(of: [Double].self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        try await TestClient.withClient(host: "127.0.0.1", port: port) { download in
                            let response = try await download.get("/blob")
                            #expect(response.status == .ok && response.body?.readableBytes == 4096)
                            return []
                        }
                    }
                }
                // Pings all through the downloads, from their start: one stalled request thread shows as a slow ping.
                group.addTask {
                    try await TestClient.withClient(host: "127.0.0.1", port: port) { pinger in
                        var seconds: [Double] = []
                        for _ in 0..<25 {
                            let start = ContinuousClock.now
                            let response = try await pinger.get("/ping")
                            #expect(response.status == .ok)
                            let elapsed = ContinuousClock.now - start
                            seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
                            try await Task.sleep(for: .milliseconds(50))
                        }
                        return seconds
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
        }
    }
}

extension Array where Element == ByteBuffer {
    /// The buffers as the async sequence a store's `put` takes.
    var async: AsyncStream<ByteBuffer> {
        AsyncStream { continuation in
            for buffer in self { continuation.yield(buffer) }
            continuation.finish()
        }
    }
}
