import GRDB
@_spi(SQLiteImplementation) import Storage

/// `SecretRepository` on the shared database's `secrets` table. `UNIQUE (name, scope)`
/// decides a taken name, so two writers racing for one name cannot both win.
public struct SQLiteSecretRepository: SecretRepository {
    let store: StateStore

    /// The records of `store`, whose migrations must include `SecretsMigrations.set`.
    public init(store: StateStore) { self.store = store }

    static func taken(_ error: any Error, _ record: SecretRecord) -> any Error {
        guard ConstraintViolation(error) == .duplicate(table: "secrets") else { return error }
        return SecretsError.nameTaken("Found an existing \(record.isPrivate ? "private" : "public") secret with the same '\(record.name)' name")
    }

    public func insert(_ record: SecretRecord) async throws {
        do {
            try await store.database.guardedWrite { db in
                try db.execute(sql: """
                    INSERT INTO secrets (id, name, private, user_id, scope, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [record.id, record.name, record.isPrivate, record.userID, record.scope, record.created, record.updated])
            }
        } catch {
            throw Self.taken(error, record)
        }
    }

    public func record(id: String) async throws -> SecretRecord? {
        try await store.database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM secrets WHERE id = ?", arguments: [id]).map(Self.record)
        }
    }

    public func update(_ record: SecretRecord) async throws -> Bool {
        do {
            return try await store.database.guardedWrite { db in
                try db.execute(sql: "UPDATE secrets SET name = ?, private = ?, scope = ?, updated = ? WHERE id = ?",
                               arguments: [record.name, record.isPrivate, record.scope, record.updated, record.id])
                return db.changesCount > 0
            }
        } catch {
            throw Self.taken(error, record)
        }
    }

    public func delete(id: String) async throws -> Bool {
        try await store.database.guardedWrite { db in
            try db.execute(sql: "DELETE FROM secrets WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    public func ids(after id: String?, limit: Int) async throws -> [String] {
        try await store.database.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM secrets WHERE id > ? ORDER BY id LIMIT ?", arguments: [id ?? "", limit])
        }
    }

    /// The fields a secret list filters and sorts on, as ZenML names them, and their columns.
    static let listedFields: [String: String] = [
        "id": "id", "name": "name", "private": "private", "user_id": "user_id", "created": "created", "updated": "updated",
    ]

    public func visible(to userID: String, _ request: RecordPageRequest) async throws -> (records: [SecretRecord], total: Int) {
        try await store.database.read { db in
            let (rows, total) = try SQLiteFieldFilter.page(db, table: "secrets", scope: "private = 0 OR user_id = ?",
                                                           scopeArguments: [userID.storedValue], request: request, columns: Self.listedFields)
            return (try rows.map(Self.record), total)
        }
    }

    static func record(_ row: Row) throws -> SecretRecord {
        SecretRecord(id: try row.decode(forColumn: "id"), name: try row.decode(forColumn: "name"),
                     isPrivate: try row.decode(forColumn: "private"), userID: try row.decode(forColumn: "user_id"),
                     created: try row.decode(forColumn: "created"), updated: try row.decode(forColumn: "updated"))
    }
}
