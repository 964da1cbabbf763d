import GRDB

/// Turns a parsed `SearchFilter` and `SearchOrder` into SQLite conditions over runs (alias
/// `r`) or experiments (alias `e`). MLflow's LIKE is case-sensitive and SQLite's is not, so
/// LIKE is matched with `case_sensitive_like` on for the one read (`withCaseSensitiveLike`).
enum SQLiteSearch {
    /// `(sql, arguments)` for the filter's clauses, joined with AND ("1" when none).
    static func condition(_ filter: SearchFilter, _ tables: SearchTables) throws -> (String, StatementArguments) {
        var parts: [String] = []
        var arguments = StatementArguments()
        for clause in filter.clauses {
            let (sql, args) = try condition(clause, tables)
            parts.append(sql)
            arguments += args
        }
        return (parts.isEmpty ? "1" : parts.joined(separator: " AND "), arguments)
    }

    static func condition(_ clause: SearchFilter.Clause, _ t: SearchTables) throws -> (String, StatementArguments) {
        func keyed(_ table: String?, _ key: String) throws -> (String, StatementArguments) {
            guard let table else { throw TrackingError.invalidParameter("this search has no such entity") }
            let lookup = "SELECT 1 FROM \(table) x WHERE x.\(t.ownerColumn) = \(t.owner) AND x.key = ?"
            switch clause.comparator {
            case .isNull: return ("NOT EXISTS (\(lookup))", [key])
            case .isNotNull: return ("EXISTS (\(lookup))", [key])
            case .notEqual where t.notEqualMatchesMissing:
                let (test, value) = try comparison("x.value", .equal, clause.value)
                return ("NOT EXISTS (\(lookup) AND \(test))", [key] + value)
            case .notEqual where table == SearchTables.nanMarkedMetrics:
                // A NaN (a NULL value marked `is_nan`) differs from every number, as in MLflow.
                let (test, value) = try comparison("x.value", .notEqual, clause.value)
                return ("EXISTS (\(lookup) AND (\(test) OR x.is_nan = 1))", [key] + value)
            default:
                let (test, value) = try comparison("x.value", clause.comparator, clause.value)
                return ("EXISTS (\(lookup) AND \(test))", [key] + value)
            }
        }
        switch clause.entity {
        case .metric(let key): return try keyed(t.metrics, key)
        case .param(let key): return try keyed(t.params, key)
        case .tag(let key): return try keyed(t.tags, key)
        case .attribute(let name):
            guard let column = t.attributes[name] else { throw TrackingError.invalidParameter("unknown attribute '\(name)'") }
            return try comparison(column, clause.comparator, clause.value)
        case .dataset(let key):
            guard t.owner == SearchTables.runs.owner else { throw TrackingError.invalidParameter("this search has no datasets") }
            if key == "context" {
                let (test, value) = try comparison("x.value", clause.comparator, clause.value)
                return ("EXISTS (SELECT 1 FROM mlflow_run_dataset_input_tags x WHERE x.run_id = r.run_id AND x.key = 'mlflow.data.context' AND \(test))", value)
            }
            let (test, value) = try comparison(key == "name" ? "d.name" : "d.digest", clause.comparator, clause.value)
            return ("""
                EXISTS (SELECT 1 FROM mlflow_run_dataset_inputs i JOIN mlflow_datasets d ON d.dataset_id = i.dataset_id
                        WHERE i.run_id = r.run_id AND \(test))
                """, value)
        }
    }

    /// `column comparator ?` with its arguments.
    static func comparison(_ column: String, _ comparator: SearchFilter.Comparator, _ value: SearchFilter.Value) throws -> (String, StatementArguments) {
        let bound: DatabaseValueConvertible
        switch value {
        case .number(let n): bound = n
        case .string(let s): bound = s
        case .list(let items):
            let marks = items.map { _ in "?" }.joined(separator: ", ")
            return ("\(column) \(comparator == .notInList ? "NOT IN" : "IN") (\(marks))", StatementArguments(items))
        case .none: return ("\(column) IS \(comparator == .isNull ? "" : "NOT ") NULL", [])
        }
        switch comparator {
        case .like: return ("\(column) LIKE ?", [bound])
        case .ilike: return ("LOWER(\(column)) LIKE LOWER(?)", [bound])
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: return ("\(column) \(comparator.rawValue) ?", [bound])
        default: throw TrackingError.invalidParameter("comparator \(comparator.rawValue) needs a list")
        }
    }

    /// ORDER BY terms (rows without the key last, as MLflow sorts them), then `fallback`.
    static func order(_ terms: [SearchOrder], _ t: SearchTables, fallback: String) throws -> (String, StatementArguments) {
        var parts: [String] = []
        var arguments = StatementArguments()
        for term in terms {
            let expression: String
            switch term.entity {
            case .metric(let key), .param(let key), .tag(let key):
                guard let table = t.table(for: term.entity) else { throw TrackingError.invalidParameter("this search cannot be ordered by that entity") }
                let lookup = "FROM \(table) x WHERE x.\(t.ownerColumn) = \(t.owner) AND x.key = ?"
                if case .metric = term.entity, table != SearchTables.nanMarkedMetrics {
                    // A table holding every value of a key (a logged model's metrics): its newest, as MLflow ranks them.
                    expression = "(SELECT x.value \(lookup) ORDER BY x.timestamp DESC, x.step DESC LIMIT 1)"
                    arguments += [key]
                    parts.append("\(expression) IS NULL, \(expression) \(term.ascending ? "ASC" : "DESC")")
                    arguments += [key]
                    continue
                }
                expression = "(SELECT x.value \(lookup))"
                arguments += [key, key]
                if case .metric = term.entity, table == SearchTables.nanMarkedMetrics {
                    // MLflow puts a NaN after every number and before a missing value, either way.
                    parts.append("COALESCE((SELECT CASE WHEN x.value IS NOT NULL THEN 0 WHEN x.is_nan = 1 THEN 1 ELSE 2 END \(lookup)), 2), "
                                 + "\(expression) \(term.ascending ? "ASC" : "DESC")")
                    continue
                }
            case .attribute(let name):
                guard let column = t.attributes[name] else { throw TrackingError.invalidParameter("unknown attribute '\(name)'") }
                expression = "(\(column))"
            case .dataset:
                throw TrackingError.invalidParameter("searches cannot be ordered by a dataset")
            }
            parts.append("\(expression) IS NULL, \(expression) \(term.ascending ? "ASC" : "DESC")")
        }
        parts.append(fallback)
        return (parts.joined(separator: ", "), arguments)
    }

    /// Runs `body` with SQLite's LIKE case-sensitive, as MLflow's is, and restores it.
    static func withCaseSensitiveLike<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        try db.execute(sql: "PRAGMA case_sensitive_like = ON")
        defer { try? db.execute(sql: "PRAGMA case_sensitive_like = OFF") }
        return try body()
    }
}
