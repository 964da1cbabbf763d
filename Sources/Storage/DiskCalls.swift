import NIOPosix

/// Where the system calls that may wait on a disk (open, read, write, fsync, readdir, a
/// folder walk) run: never on the request threads, so one slow read holds up the request
/// that made it and no other. Stores take one so a test can stand in a slow disk.
public protocol DiskCalls: Sendable {
    /// Runs `work`, which may block, away from the request threads and answers its result.
    func run<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result
}

/// Blocking calls on NIO's I/O thread pool (as many threads as cores), the production choice.
public struct ThreadPoolDiskCalls: DiskCalls {
    let pool: NIOThreadPool

    /// Calls on NIO's process-wide blocking-I/O pool.
    public init() { pool = .singleton }

    public func run<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await pool.runIfActive(work)
    }
}
