import Storage

/// Turns a parsed `SearchFilter` and `SearchOrder` into PostgreSQL conditions over the same
/// `SearchTables` `SQLiteSearch` reads, answering as SQLite does: LIKE case-sensitive with no
/// escape character, text ordered by its bytes (`COLLATE "C"`), runs without a value last in
/// either direction, and a NaN metric after every number and before a missing one.
enum PostgresSearch {
    /// The filter's clauses joined with AND (`TRUE` when none), their values bound into `statement`.
    static func condition(_ filter: SearchFilter, _ t: SearchTables, into statement: inout PostgresStatement) throws -> String {
        let parts = try filter.clauses.map { try condition($0, t, into: &statement) }
        return parts.isEmpty ? "TRUE" : parts.joined(separator: " AND ")
    }

    static func condition(_ clause: SearchFilter.Clause, _ t: SearchTables, into statement: inout PostgresStatement) throws -> String {
        func keyed(_ table: String?, _ key: String) throws -> String {
            guard let table else { throw TrackingError.invalidParameter("this search has no such entity") }
            let lookup = "SELECT 1 FROM \(table) x WHERE x.\(t.ownerColumn) = \(t.owner) AND x.key = \(statement.bind(key))"
            switch clause.comparator {
            case .isNull: return "NOT EXISTS (\(lookup))"
            case .isNotNull: return "EXISTS (\(lookup))"
            case .notEqual where t.notEqualMatchesMissing:
                return "NOT EXISTS (\(lookup) AND \(try comparison("x.value", .equal, clause.value, into: &statement)))"
            case .notEqual where table == SearchTables.nanMarkedMetrics:
                // A NaN (a NULL value marked `is_nan`) differs from every number, as in MLflow.
                return "EXISTS (\(lookup) AND (\(try comparison("x.value", .notEqual, clause.value, into: &statement)) OR x.is_nan))"
            default:
                return "EXISTS (\(lookup) AND \(try comparison("x.value", clause.comparator, clause.value, into: &statement)))"
            }
        }
        switch clause.entity {
        case .metric(let key): return try keyed(t.metrics, key)
        case .param(let key): return try keyed(t.params, key)
        case .tag(let key): return try keyed(t.tags, key)
        case .attribute(let name):
            guard let column = t.attributes[name] else { throw TrackingError.invalidParameter("unknown attribute '\(name)'") }
            return try comparison(column, clause.comparator, clause.value, into: &statement)
        case .dataset(let key):
            guard t.owner == SearchTables.runs.owner else { throw TrackingError.invalidParameter("this search has no datasets") }
            if key == "context" {
                let test = try comparison("x.value", clause.comparator, clause.value, into: &statement)
                return "EXISTS (SELECT 1 FROM mlflow_run_dataset_input_tags x WHERE x.run_id = r.run_id AND x.key = 'mlflow.data.context' AND \(test))"
            }
            let test = try comparison(key == "name" ? "d.name" : "d.digest", clause.comparator, clause.value, into: &statement)
            return """
                EXISTS (SELECT 1 FROM mlflow_run_dataset_inputs i JOIN mlflow_datasets d ON d.dataset_id = i.dataset_id
                        WHERE i.run_id = r.run_id AND \(test))
                """
        }
    }

    /// `column comparator value`, the value bound as what the parser read (a number binds as
    /// DOUBLE PRECISION, which PostgreSQL compares with integer columns exactly).
    static func comparison(_ column: String, _ comparator: SearchFilter.Comparator, _ value: SearchFilter.Value,
                           into statement: inout PostgresStatement) throws -> String {
        let mark: String
        switch value {
        case .number(let number): mark = statement.bind(number)
        case .string(let text): mark = statement.bind(text)
        case .list(let items):
            guard !items.isEmpty else { return comparator == .notInList ? "TRUE" : "FALSE" }
            let marks = items.map { statement.bind($0) }.joined(separator: ", ")
            return "\(column) \(comparator == .notInList ? "NOT IN" : "IN") (\(marks))"
        case .none: return "\(column) IS \(comparator == .isNull ? "" : "NOT ") NULL"
        }
        switch comparator {
        case .like: return "\(column) LIKE \(mark) ESCAPE ''"
        case .ilike: return "LOWER(\(column)) LIKE LOWER(\(mark)) ESCAPE ''"
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: return "\(column) \(comparator.rawValue) \(mark)"
        default: throw TrackingError.invalidParameter("comparator \(comparator.rawValue) needs a list")
        }
    }

    /// ORDER BY terms (rows without the key last, as MLflow sorts them), then `fallback`.
    static func order(_ terms: [SearchOrder], _ t: SearchTables, fallback: String, into statement: inout PostgresStatement) throws -> String {
        var parts: [String] = []
        for term in terms {
            let direction = term.ascending ? "ASC" : "DESC"
            let expression: String
            switch term.entity {
            case .metric(let key), .param(let key), .tag(let key):
                guard let table = t.table(for: term.entity) else { throw TrackingError.invalidParameter("this search cannot be ordered by that entity") }
                let lookup = "FROM \(table) x WHERE x.\(t.ownerColumn) = \(t.owner) AND x.key = \(statement.bind(key))"
                if case .metric = term.entity {
                    let value = "(SELECT x.value \(lookup))"
                    if table == SearchTables.nanMarkedMetrics {
                        // MLflow puts a NaN after every number and before a missing value, either way.
                        parts.append("COALESCE((SELECT CASE WHEN x.value IS NOT NULL THEN 0 WHEN x.is_nan THEN 1 ELSE 2 END \(lookup)), 2), \(value) \(direction)")
                        continue
                    }
                    // A table holding every value of a key (a logged model's metrics): its newest, as MLflow ranks them.
                    expression = "(SELECT x.value \(lookup) ORDER BY x.timestamp DESC, x.step DESC LIMIT 1)"
                } else {
                    expression = "(SELECT x.value COLLATE \"C\" \(lookup))"
                }
            case .attribute(let name):
                guard let column = t.attributes[name] else { throw TrackingError.invalidParameter("unknown attribute '\(name)'") }
                expression = t.numericAttributes.contains(name) ? "(\(column))" : "(\(column)) COLLATE \"C\""
            case .dataset:
                throw TrackingError.invalidParameter("searches cannot be ordered by a dataset")
            }
            parts.append("\(expression) IS NULL, \(expression) \(direction)")
        }
        parts.append(fallback)
        return parts.joined(separator: ", ")
    }
}
