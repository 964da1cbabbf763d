import Foundation
import GRDB
import Hummingbird
import Storage

/// Remembers the answers to writes that carried an `Idempotency-Key`, so a write the
/// client retries (it retries POSTs on 502/503/504 and dropped connections) happens
/// once and the retry gets the first answer. Entries live for a day.
struct IdempotencyLedger: Sendable {
    let store: StateStore
    static let retention: TimeInterval = 86_400

    /// The stored answer to this key from this caller, if the same method and path made it.
    func replay(key: String, userID: String, method: String, path: String) async throws -> (status: Int, body: [UInt8])? {
        try await store.pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT method, path, status, body FROM idempotent_requests WHERE key = ? AND user_id = ?",
                                             arguments: [key, userID])
            else { return nil }
            guard (try row.decode(forColumn: "method")) == method, (try row.decode(forColumn: "path")) == path else {
                throw ControlPlaneError.invalid("Idempotency-Key '\(key)' was already used for a different request.")
            }
            let data: Data = (try row.decode(forColumn: "body"))
            return ((try row.decode(forColumn: "status")), Array(data))
        }
    }

    /// Stores the answer to a successful write.
    func record(key: String, userID: String, method: String, path: String, status: Int, body: [UInt8]) async throws {
        let now = Date()
        try await store.pool.write { db in
            try db.execute(sql: "DELETE FROM idempotent_requests WHERE created < ?", arguments: [Timestamp.format(now.addingTimeInterval(-Self.retention))])
            try db.execute(sql: """
                INSERT OR REPLACE INTO idempotent_requests (key, user_id, method, path, status, body, created) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [key, userID, method, path, status, Data(body), Timestamp.format(now)])
        }
    }
}
