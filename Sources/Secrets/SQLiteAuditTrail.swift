import GRDB
@_spi(SQLiteImplementation) import Storage

/// `AuditTrail` in the shared SQLite database. The next number and the previous hash are
/// read and the record written inside one write transaction; the primary key on the number
/// refuses a second record with it, so concurrent writers can never fork the chain.
public struct SQLiteAuditTrail: AuditTrail {
    let store: StateStore

    /// The trail of `store`, whose migrations must include `SecretsMigrations.set`.
    public init(store: StateStore) { self.store = store }

    public func append(_ entry: AuditEntry) async throws -> AuditRecord {
        try await store.database.guardedWrite { db in
            let last = try AuditRow.fetchOne(db, sql: "SELECT * FROM secrets_audit ORDER BY sequence DESC LIMIT 1")
            let sequence = (last?.sequence ?? 0) + 1
            let previous = last?.hash ?? AuditRecord.genesis
            let at = Timestamp.now()
            let record = AuditRecord(sequence: sequence, at: at, entry: entry, previousHash: previous,
                                     hash: AuditRecord.hash(sequence: sequence, at: at, entry: entry, previousHash: previous))
            try db.execute(sql: """
                INSERT INTO secrets_audit (sequence, at, actor, action, secret_id, address, outcome, previous_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [sequence, at, entry.actor, entry.action, entry.secretID, entry.address, entry.outcome, previous, record.hash])
            return record
        }
    }

    public func records(after sequence: Int64, limit: Int) async throws -> [AuditRecord] {
        try await store.database.read { db in
            try AuditRow.fetchAll(db, sql: "SELECT * FROM secrets_audit WHERE sequence > ? ORDER BY sequence LIMIT ?", arguments: [sequence, limit]).map(\.record)
        }
    }
}

/// A row of `secrets_audit`.
struct AuditRow: FetchableRecord {
    let record: AuditRecord
    var sequence: Int64 { record.sequence }
    var hash: String { record.hash }

    init(row: Row) throws {
        record = AuditRecord(sequence: row["sequence"], at: row["at"],
                             entry: AuditEntry(actor: row["actor"], action: row["action"], secretID: row["secret_id"], address: row["address"],
                                               outcome: row["outcome"]),
                             previousHash: row["previous_hash"], hash: row["hash"])
    }
}
