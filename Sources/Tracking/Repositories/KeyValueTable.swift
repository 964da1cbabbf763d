import GRDB

/// The tables that hang `(key, value)` pairs off an owner — tags, params, metadata of runs,
/// experiments, models, versions and traces — read and written one way.
struct KeyValueTable {
    let name: String
    let ownerColumn: String

    /// Sets `pair` for `owner`, replacing an earlier value of the key.
    func upsert(_ db: Database, owner: DatabaseValueConvertible, _ pair: KeyValue) throws {
        try db.cachedStatement(sql: """
            INSERT INTO \(name) (\(ownerColumn), key, value) VALUES (?, ?, ?)
            ON CONFLICT (\(ownerColumn), key) DO UPDATE SET value = excluded.value
            """).execute(arguments: [owner, pair.key, pair.value])
    }

    /// The pairs of each of `owners`, by key.
    func pairs(_ db: Database, owners: [String]) throws -> [String: [KeyValue]] {
        guard !owners.isEmpty else { return [:] }
        let rows = try KeyValueRecord.fetchAll(db, sql: """
            SELECT \(ownerColumn) AS owner, key, value FROM \(name) WHERE \(ownerColumn) IN (\(owners.map { _ in "?" }.joined(separator: ", "))) ORDER BY key
            """, arguments: StatementArguments(owners))
        return Dictionary(grouping: rows, by: \.owner).mapValues { $0.map { KeyValue(key: $0.key, value: $0.value) } }
    }
}
