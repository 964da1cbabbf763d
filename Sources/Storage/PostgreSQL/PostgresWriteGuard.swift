import PostgresNIO

/// The PostgreSQL twin of `WriteGuard`: a check that commits with a request's writes, or
/// stops them (the idempotency claim a request runs under). Every `guardedTransaction` runs
/// it first inside its own transaction, so its mark can never be separated from the write.
public enum PostgresWriteGuard {
    /// The guard of the current task, if its writes are guarded.
    @TaskLocal public static var current: (@Sendable (PostgresConnection) async throws -> Void)?
}

extension PostgresStore {
    /// `transaction`, with the task's `PostgresWriteGuard` (if any) run first in the same
    /// transaction: if the guard throws, nothing of `body` is written.
    public func guardedTransaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        let check = PostgresWriteGuard.current
        return try await transaction { connection in
            try await check?(connection)
            return try await body(connection)
        }
    }
}
