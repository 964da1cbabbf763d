import Foundation

/// Where log lines go: a bounded in-memory queue drained by one writer thread, so a
/// request thread only formats its line and appends it, and never waits on a slow or
/// blocked stderr. Lines that do not fit are counted, never dropped silently: the count
/// is served in `/metrics` and written as a line of its own once there is room again.
public final class LogSink: @unchecked Sendable {
    private let descriptor: Int32
    private let capacityBytes: Int
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var pending: [UInt8] = []
    private var writing = false
    private var droppedSinceReport = 0
    private var droppedTotal = 0
    private var closed = false

    /// A sink writing to `descriptor` (stderr by default), holding at most `capacityBytes` unwritten.
    public init(descriptor: Int32 = STDERR_FILENO, capacityBytes: Int = 4 << 20) {
        self.descriptor = descriptor
        self.capacityBytes = capacityBytes
        let thread = Thread { [weak self] in self?.drain() }
        thread.name = "enclave-log-writer"
        thread.start()
    }

    /// Queues one line (its newline included). Returns at once whatever stderr is doing.
    public func write(_ line: String) {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return }
        if pending.count + line.utf8.count > capacityBytes {
            droppedSinceReport += 1
            droppedTotal += 1
            return
        }
        pending.append(contentsOf: line.utf8)
        condition.signal()
    }

    /// Lines dropped since start because the queue was full.
    public var droppedLines: Int {
        condition.lock()
        defer { condition.unlock() }
        return droppedTotal
    }

    /// Waits until every queued line is written, for at most `timeout` seconds (shutdown).
    /// Returns whether the queue emptied in time.
    @discardableResult
    public func flush(timeout: TimeInterval = 5) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        condition.broadcast()
        while !pending.isEmpty || writing || droppedSinceReport > 0 {
            guard condition.wait(until: deadline) else { return false }
        }
        return true
    }

    /// Flushes, then stops the writer; later lines are ignored.
    public func close(timeout: TimeInterval = 5) {
        flush(timeout: timeout)
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    private func drain() {
        while true {
            condition.lock()
            while pending.isEmpty && droppedSinceReport == 0 && !closed { condition.wait() }
            if closed && pending.isEmpty {
                condition.unlock()
                return
            }
            var batch = pending
            pending.removeAll(keepingCapacity: true)
            if droppedSinceReport > 0 {
                let note = "{\"ts\":\"\(JSONLogHandler.timestamp())\",\"level\":\"warning\",\"logger\":\"enclave\","
                    + "\"msg\":\"log lines dropped: the log queue was full\",\"dropped\":\"\(droppedSinceReport)\"}\n"
                batch.append(contentsOf: note.utf8)
                droppedSinceReport = 0
            }
            writing = true
            condition.unlock()
            writeAll(batch)
            condition.lock()
            writing = false
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Writes every byte, retrying short writes and interrupted calls; gives up on an error.
    private func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, base + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}
