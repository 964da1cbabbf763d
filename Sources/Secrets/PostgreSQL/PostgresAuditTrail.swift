import PostgresNIO
import Storage

/// `AuditTrail` on PostgreSQL, appended to by every replica. Each append takes a
/// transaction-level advisory lock before it reads the chain's head, so appends from several
/// replicas queue and the chain stays one; the primary key on the number stays the backstop.
public struct PostgresAuditTrail: AuditTrail {
    let store: PostgresStore

    /// The trail of `store`, whose migrations must include `SecretsMigrations.postgres`.
    public init(store: PostgresStore) { self.store = store }

    /// The advisory lock appends hold ("secaudit").
    static let appendLock: Int64 = 0x7365_6361_7564_6974

    public func append(_ entry: AuditEntry) async throws -> AuditRecord {
        try await store.transaction { connection in
            _ = try await store.rows("SELECT pg_advisory_xact_lock(\(Self.appendLock))", on: connection)
            let last: (sequence: Int64, hash: String)? = try await store.rows("SELECT sequence, hash FROM secrets_audit ORDER BY sequence DESC LIMIT 1",
                                                                              on: connection).first?.decode((Int64, String).self)
            let sequence = (last?.sequence ?? 0) + 1
            let previous = last?.hash ?? AuditRecord.genesis
            let at = Timestamp.now()
            let hash = AuditRecord.hash(sequence: sequence, at: at, entry: entry, previousHash: previous)
            let (actor, action, secretID, address, outcome) = (entry.actor, entry.action, entry.secretID, entry.address, entry.outcome)
            _ = try await store.rows("""
                INSERT INTO secrets_audit (sequence, at, actor, action, secret_id, address, outcome, previous_hash, hash)
                VALUES (\(sequence), \(at), \(actor), \(action), \(secretID), \(address), \(outcome), \(previous), \(hash))
                """, on: connection)
            return AuditRecord(sequence: sequence, at: at, entry: entry, previousHash: previous, hash: hash)
        }
    }

    public func records(after sequence: Int64, limit: Int) async throws -> [AuditRecord] {
        let limit = Int64(max(0, limit))
        return try await store.rows("SELECT * FROM secrets_audit WHERE sequence > \(sequence) ORDER BY sequence LIMIT \(limit)").map { row in
            let columns = row.makeRandomAccess()
            let entry = AuditEntry(actor: try columns["actor"].decode(String.self), action: try columns["action"].decode(String.self),
                                   secretID: try columns["secret_id"].decode(String?.self), address: try columns["address"].decode(String?.self),
                                   outcome: try columns["outcome"].decode(String.self))
            return AuditRecord(sequence: try columns["sequence"].decode(Int64.self), at: try columns["at"].decode(String.self), entry: entry,
                               previousHash: try columns["previous_hash"].decode(String.self), hash: try columns["hash"].decode(String.self))
        }
    }
}
