import Foundation
import PostgresNIO
import Storage

/// `IdempotencyLedger` on PostgreSQL's `idempotent_requests` table, shared by every replica:
/// the primary key (key, user) decides the claim whichever replica a retry reaches, and the
/// claim's guard runs inside each of the write's own transactions (`PostgresWriteGuard`).
struct PostgresIdempotencyLedger: IdempotencyLedger {
    let store: PostgresStore

    func tryClaim(key: String, userID: String, method: String, path: String) async throws -> IdempotencyClaim? {
        let now = Date(), token = String.newID()
        return try await store.transaction { connection -> IdempotencyClaim? in
            let session = PostgresSession(store: store, connection: connection)
            try await session.execute("DELETE FROM idempotent_requests WHERE created < \(Timestamp.format(now.addingTimeInterval(-Self.retention)))")
            if try await session.changed("""
                INSERT INTO idempotent_requests (key, user_id, method, path, status, body, created, claim, executed)
                VALUES (\(key), \(userID), \(method), \(path), 0, ''::bytea, \(Timestamp.format(now)), \(token), FALSE)
                ON CONFLICT (key, user_id) DO NOTHING RETURNING key
                """) == 1 { return .claimed(token: token) }
            guard let found = try await session.rows("""
                SELECT method, path, status, body, created, executed FROM idempotent_requests WHERE key = \(key) AND user_id = \(userID) FOR UPDATE
                """).first else { return nil }
            let row = found.makeRandomAccess()
            guard try row["method"].decode(String.self) == method, try row["path"].decode(String.self) == path else {
                throw ControlPlaneError.invalid("Idempotency-Key '\(key)' was already used for a different request.")
            }
            let status = try row["status"].decode(Int.self)
            if status > 0 { return .answered(status: status, body: Array(try row["body"].decode(ByteBuffer.self).readableBytesView)) }
            let abandoned = try row["created"].decode(String.self) < Timestamp.format(now.addingTimeInterval(-Self.abandonedAfter))
            guard abandoned else { return nil }
            if try row["executed"].decode(Bool.self) {
                throw ControlPlaneError.stateConflict("The request with Idempotency-Key '\(key)' was performed, but its server stopped "
                    + "before it could keep the answer; read the resource instead of retrying the write.")
            }
            return try await session.changed("""
                UPDATE idempotent_requests SET created = \(Timestamp.format(now)), claim = \(token)
                WHERE key = \(key) AND user_id = \(userID) AND status = 0 AND NOT executed RETURNING key
                """) == 1 ? .claimed(token: token) : nil
        }
    }

    func perform<Result>(key: String, userID: String, token: String, _ work: () async throws -> Result) async throws -> Result {
        do {
            return try await PostgresWriteGuard.$current.withValue(self.guard(key: key, userID: userID, token: token)) { try await work() }
        } catch {
            try? await release(key: key, userID: userID, token: token)
            throw error
        }
    }

    /// The `PostgresWriteGuard` of the write that holds `token`: marks the claim executed in
    /// each of the write's transactions, and refuses (rolling the write back) when the claim
    /// is no longer this request's.
    func `guard`(key: String, userID: String, token: String) -> @Sendable (PostgresConnection) async throws -> Void {
        { [store] connection in
            let session = PostgresSession(store: store, connection: connection)
            guard try await session.changed("""
                UPDATE idempotent_requests SET executed = TRUE WHERE key = \(key) AND user_id = \(userID) AND claim = \(token) AND status = 0
                RETURNING key
                """) == 1 else {
                throw ControlPlaneError.stateConflict("The request with Idempotency-Key '\(key)' took too long and was taken over by a retry; "
                    + "nothing of it was written.")
            }
        }
    }

    func answer(key: String, userID: String, token: String, status: Int, body: [UInt8]) async throws {
        var buffer = ByteBuffer()
        buffer.writeBytes(body)
        _ = try await store.rows("""
            UPDATE idempotent_requests SET status = \(status), body = \(buffer) WHERE key = \(key) AND user_id = \(userID) AND claim = \(token)
            """)
    }

    func release(key: String, userID: String, token: String, evenIfExecuted: Bool = false) async throws {
        _ = try await store.rows("""
            DELETE FROM idempotent_requests WHERE key = \(key) AND user_id = \(userID) AND claim = \(token) AND status = 0
            AND (NOT executed OR \(evenIfExecuted))
            """)
    }
}
