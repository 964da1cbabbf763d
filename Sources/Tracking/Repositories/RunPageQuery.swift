import GRDB

/// One page of a runs search: the runs (alias `r`) matching a condition, read in a given order.
/// Ordered by a metric or a param, it walks that key's value index and stops at the page's end,
/// then continues with the runs whose value is NaN and then those that lack the key, which is
/// where MLflow sorts them in either direction.
struct RunPageQuery {
    let `where`: String
    let arguments: StatementArguments

    /// The page in an arbitrary ORDER BY.
    func page(_ db: Database, ordering: String, _ orderArguments: StatementArguments, offset: Int, limit: Int) throws -> [RunRecord] {
        try RunRecord.fetchAll(db, sql: """
            SELECT r.* FROM mlflow_runs r WHERE \(`where`) ORDER BY \(ordering) LIMIT ? OFFSET ?
            """, arguments: arguments + orderArguments + [limit, offset])
    }

    /// The page ordered first by `key`'s value in `table` (NaN values, then runs without the
    /// key, last), then by the remaining terms `then`.
    func page(_ db: Database, orderedBy key: (table: String, key: String, nanMarked: Bool), ascending: Bool, then: (String, StatementArguments),
              offset: Int, limit: Int) throws -> [RunRecord] {
        let direction = ascending ? "ASC" : "DESC"
        let withValue = try RunRecord.fetchAll(db, sql: """
            SELECT r.* FROM \(key.table) o JOIN mlflow_runs r ON r.run_id = o.run_id
            WHERE o.key = ? AND o.value IS NOT NULL AND \(`where`)
            ORDER BY o.value \(direction), \(then.0) LIMIT ? OFFSET ?
            """, arguments: [key.key] + arguments + then.1 + [limit, offset])
        guard withValue.count < limit else { return withValue }
        // How many runs with a value precede the rest: known from this page unless it was empty.
        let valued = try withValue.isEmpty && offset > 0
            ? Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM \(key.table) o JOIN mlflow_runs r ON r.run_id = o.run_id
                WHERE o.key = ? AND o.value IS NOT NULL AND \(`where`)
                """, arguments: [key.key] + arguments) ?? 0
            : offset + withValue.count
        let nanFirst = key.nanMarked ? "EXISTS (SELECT 1 FROM \(key.table) n WHERE n.run_id = r.run_id AND n.key = ? AND n.is_nan = 1) DESC, " : ""
        let without = try RunRecord.fetchAll(db, sql: """
            SELECT r.* FROM mlflow_runs r
            WHERE NOT EXISTS (SELECT 1 FROM \(key.table) o WHERE o.run_id = r.run_id AND o.key = ? AND o.value IS NOT NULL)
              AND \(`where`)
            ORDER BY \(nanFirst)\(then.0) LIMIT ? OFFSET ?
            """, arguments: [key.key] + arguments + (key.nanMarked ? [key.key] : []) + then.1 + [limit - withValue.count, max(0, offset - valued)])
        return withValue + without
    }
}
