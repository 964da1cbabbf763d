import PostgresNIO
import Storage

/// The `(owner, key, value)` tables on PostgreSQL: the same upsert and grouped read as on
/// SQLite, keys ordered by their bytes.
extension KeyValueTable {
    /// Sets `pair` for `owner`, replacing an earlier value of the key.
    func upsert(owner: String, _ pair: KeyValue, store: PostgresStore, on connection: PostgresConnection) async throws {
        var statement = PostgresStatement()
        let values = [statement.bind(owner), statement.bind(pair.key), statement.bind(pair.value)].joined(separator: ", ")
        _ = try await store.rows(statement.query("""
            INSERT INTO \(name) (\(ownerColumn), key, value) VALUES (\(values))
            ON CONFLICT (\(ownerColumn), key) DO UPDATE SET value = excluded.value
            """), on: connection)
    }

    /// The pairs of each of `owners`, by key.
    func pairs(owners: [String], store: PostgresStore, on connection: PostgresConnection) async throws -> [String: [KeyValue]] {
        guard !owners.isEmpty else { return [:] }
        var statement = PostgresStatement()
        let ownersMark = statement.bind(owners)
        return try postgresPairs(await store.rows(statement.query("""
            SELECT \(ownerColumn), key, value FROM \(name) WHERE \(ownerColumn) = ANY(\(ownersMark)) ORDER BY key COLLATE "C"
            """), on: connection))
    }

    /// Removes `key` of `owner`; whether there was one.
    func delete(owner: String, key: String, store: PostgresStore, on connection: PostgresConnection) async throws -> Bool {
        var statement = PostgresStatement()
        let (ownerMark, keyMark) = (statement.bind(owner), statement.bind(key))
        return try await !store.rows(statement.query("""
            DELETE FROM \(name) WHERE \(ownerColumn) = \(ownerMark) AND key = \(keyMark) RETURNING key
            """), on: connection).isEmpty
    }
}
