import PostgresNIO
import Storage

/// `SecretRepository` on PostgreSQL's `secrets` table, shared by every replica.
/// `UNIQUE (name, scope)` decides a taken name, whichever replica writes.
public struct PostgresSecretRepository: SecretRepository {
    let store: PostgresStore

    /// The records of `store`, whose migrations must include `SecretsMigrations.postgres`.
    public init(store: PostgresStore) { self.store = store }

    public func insert(_ record: SecretRecord) async throws {
        do {
            let (id, name, isPrivate, userID, scope, created, updated) =
                (record.id, record.name, record.isPrivate, record.userID, record.scope, record.created, record.updated)
            _ = try await store.rows("""
                INSERT INTO secrets (id, name, private, user_id, scope, created, updated)
                VALUES (\(id), \(name), \(isPrivate), \(userID), \(scope), \(created), \(updated))
                """)
        } catch {
            throw SQLiteSecretRepository.taken(error, record)
        }
    }

    public func record(id: String) async throws -> SecretRecord? {
        try await store.rows("SELECT * FROM secrets WHERE id = \(id)").first.map(Self.record)
    }

    public func update(_ record: SecretRecord) async throws -> Bool {
        do {
            let (id, name, isPrivate, scope, updated) = (record.id, record.name, record.isPrivate, record.scope, record.updated)
            return try await !store.rows("""
                UPDATE secrets SET name = \(name), private = \(isPrivate), scope = \(scope), updated = \(updated) WHERE id = \(id) RETURNING id
                """).isEmpty
        } catch {
            throw SQLiteSecretRepository.taken(error, record)
        }
    }

    public func delete(id: String) async throws -> Bool {
        try await !store.rows("DELETE FROM secrets WHERE id = \(id) RETURNING id").isEmpty
    }

    public func ids(after id: String?, limit: Int) async throws -> [String] {
        let after = id ?? "", limit = Int64(max(0, limit))
        return try await store.rows("SELECT id FROM secrets WHERE id COLLATE \"C\" > \(after) ORDER BY id COLLATE \"C\" LIMIT \(limit)")
            .map { try $0.decode(String.self) }
    }

    /// `SQLiteSecretRepository.listedFields` with the types PostgreSQL binds them as.
    static let listedFields: [String: ListedColumn] = [
        "id": .init("id"), "name": .init("name"), "private": .init("private", .boolean), "user_id": .init("user_id"),
        "created": .init("created"), "updated": .init("updated"),
    ]

    public func visible(to userID: String, _ request: RecordPageRequest) async throws -> (records: [SecretRecord], total: Int) {
        let (rows, total) = try await PostgresFieldFilter.page(store, table: "secrets", scope: { statement in
            "NOT private OR user_id = \(statement.bind(userID))"
        }, request: request, columns: Self.listedFields)
        return (try rows.map(Self.record), total)
    }

    static func record(_ row: PostgresRow) throws -> SecretRecord {
        let columns = row.makeRandomAccess()
        return SecretRecord(id: try columns["id"].decode(String.self), name: try columns["name"].decode(String.self),
                            isPrivate: try columns["private"].decode(Bool.self), userID: try columns["user_id"].decode(String?.self),
                            created: try columns["created"].decode(String.self), updated: try columns["updated"].decode(String.self))
    }
}
