import GRDB

/// A check that commits with a request's writes, or stops them: the idempotency claim a
/// request runs under. Set for the duration of the request's work; every `guardedWrite`
/// runs it first inside its own transaction, so what it records (the claim's "executed"
/// mark) can never be separated from the write by a crash.
public enum WriteGuard {
    /// The guard of the current task, if its writes are guarded.
    @TaskLocal public static var current: (@Sendable (GRDB.Database) throws -> Void)?
}

extension DatabaseWriter {
    /// `write`, with the task's `WriteGuard` (if any) run first in the same transaction: if
    /// the guard throws, nothing of `updates` is written.
    public func guardedWrite<T: Sendable>(_ updates: @escaping @Sendable (GRDB.Database) throws -> T) async throws -> T {
        guard let check = WriteGuard.current else { return try await write(updates) }
        return try await write { db in
            try check(db)
            return try updates(db)
        }
    }
}
