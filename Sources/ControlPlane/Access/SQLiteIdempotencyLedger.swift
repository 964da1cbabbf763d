import Foundation
import GRDB
import Hummingbird
@_spi(SQLiteImplementation) import Storage

/// `IdempotencyLedger` on the shared database's `idempotent_requests` table: the primary key
/// (key, user) decides the claim, and the claim's guard runs inside each of the write's own
/// SQLite transactions (`WriteGuard`).
struct SQLiteIdempotencyLedger: IdempotencyLedger {
    let store: StateStore

    func tryClaim(key: String, userID: String, method: String, path: String) async throws -> IdempotencyClaim? {
        let now = Date()
        let token = String.newID()
        return try await store.database.write { db -> IdempotencyClaim? in
            try db.execute(sql: "DELETE FROM idempotent_requests WHERE created < ?", arguments: [Timestamp.format(now.addingTimeInterval(-Self.retention))])
            try db.execute(sql: """
                INSERT INTO idempotent_requests (key, user_id, method, path, status, body, created, claim, executed)
                VALUES (?, ?, ?, ?, 0, ?, ?, ?, 0)
                ON CONFLICT (key, user_id) DO NOTHING
                """, arguments: [key, userID, method, path, Data(), Timestamp.format(now), token])
            if db.changesCount == 1 { return .claimed(token: token) }
            guard let row = try Row.fetchOne(db, sql: "SELECT method, path, status, body, created, executed FROM idempotent_requests WHERE key = ? AND user_id = ?",
                                             arguments: [key, userID])
            else { return nil }
            guard (try row.decode(String.self, forColumn: "method")) == method, (try row.decode(String.self, forColumn: "path")) == path else {
                throw ControlPlaneError.invalid("Idempotency-Key '\(key)' was already used for a different request.")
            }
            let status: Int = try row.decode(forColumn: "status")
            if status > 0 { return .answered(status: status, body: Array(try row.decode(Data.self, forColumn: "body"))) }
            let abandoned = (try row.decode(String.self, forColumn: "created")) < Timestamp.format(now.addingTimeInterval(-Self.abandonedAfter))
            guard abandoned else { return nil }  // still being performed: wait for its answer
            if try row.decode(Bool.self, forColumn: "executed") {
                throw ControlPlaneError.stateConflict("The request with Idempotency-Key '\(key)' was performed, but its server stopped "
                    + "before it could keep the answer; read the resource instead of retrying the write.")
            }
            // Abandoned before its write committed: this request takes the claim over.
            try db.execute(sql: "UPDATE idempotent_requests SET created = ?, claim = ? WHERE key = ? AND user_id = ? AND status = 0 AND executed = 0",
                           arguments: [Timestamp.format(now), token, key, userID])
            return db.changesCount == 1 ? .claimed(token: token) : nil
        }
    }

    func perform<Result>(key: String, userID: String, token: String, _ work: () async throws -> Result) async throws -> Result {
        do {
            return try await WriteGuard.$current.withValue(self.guard(key: key, userID: userID, token: token)) { try await work() }
        } catch {
            try? await release(key: key, userID: userID, token: token)
            throw error
        }
    }

    /// The `WriteGuard` of the write that holds `token`: marks the claim executed in each of
    /// the write's transactions, and refuses (rolling the write back) when the claim is no
    /// longer this request's.
    func `guard`(key: String, userID: String, token: String) -> @Sendable (GRDB.Database) throws -> Void {
        { db in
            try db.execute(sql: "UPDATE idempotent_requests SET executed = 1 WHERE key = ? AND user_id = ? AND claim = ? AND status = 0",
                           arguments: [key, userID, token])
            guard db.changesCount == 1 else {
                throw ControlPlaneError.stateConflict("The request with Idempotency-Key '\(key)' took too long and was taken over by a retry; "
                    + "nothing of it was written.")
            }
        }
    }

    func answer(key: String, userID: String, token: String, status: Int, body: [UInt8]) async throws {
        try await store.database.write { db in
            try db.execute(sql: "UPDATE idempotent_requests SET status = ?, body = ? WHERE key = ? AND user_id = ? AND claim = ?",
                           arguments: [status, Data(body), key, userID, token])
        }
    }

    func release(key: String, userID: String, token: String, evenIfExecuted: Bool = false) async throws {
        try await store.database.write { db in
            try db.execute(sql: "DELETE FROM idempotent_requests WHERE key = ? AND user_id = ? AND claim = ? AND status = 0 AND (executed = 0 OR ?)",
                           arguments: [key, userID, token, evenIfExecuted])
        }
    }
}
