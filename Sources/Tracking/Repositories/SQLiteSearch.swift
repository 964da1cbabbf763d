import GRDB

/// Turns a parsed `SearchFilter` and `SearchOrder` into SQLite conditions over runs (alias
/// `r`) or experiments (alias `e`). MLflow's LIKE is case-sensitive and SQLite's is not, so
/// LIKE is matched with `case_sensitive_like` on for the one read (`withCaseSensitiveLike`).
enum SQLiteSearch {
    /// The owner column and the tables of the three keyed entities, per kind of search.
    struct Tables {
        let owner: String
        let metrics: String?
        let params: String?
        let tags: String
        let ownerColumn: String
        let attributes: [String: String]
        /// Whether `tags.k != 'v'` also matches owners without the tag (the registry's rule;
        /// the client hides prompts with `tag.mlflow.prompt.is_prompt != 'true'`).
        var notEqualMatchesMissing = false
    }

    static let runs = Tables(owner: "r.run_id", metrics: "mlflow_latest_metrics", params: "mlflow_params", tags: "mlflow_run_tags",
                             ownerColumn: "run_id",
                             attributes: ["run_id": "r.run_id", "run_name": "r.name", "status": "r.status", "user_id": "r.user_id",
                                          "artifact_uri": "r.artifact_uri", "lifecycle_stage": "r.lifecycle_stage",
                                          "start_time": "r.start_time", "end_time": "r.end_time"])
    static let experiments = Tables(owner: "e.experiment_id", metrics: nil, params: nil, tags: "mlflow_experiment_tags",
                                    ownerColumn: "experiment_id",
                                    attributes: ["name": "e.name", "experiment_id": "e.experiment_id", "creation_time": "e.creation_time",
                                                 "last_update_time": "e.last_update_time"])

    static let loggedModels = Tables(owner: "m.model_id", metrics: "mlflow_metrics", params: "mlflow_logged_model_params",
                                     tags: "mlflow_logged_model_tags", ownerColumn: "model_id",
                                     attributes: ["model_id": "m.model_id", "name": "m.name", "status": "m.status",
                                                  "source_run_id": "m.source_run_id", "model_type": "m.model_type",
                                                  "artifact_uri": "m.artifact_location", "creation_timestamp": "m.creation_timestamp",
                                                  "last_updated_timestamp": "m.last_updated_timestamp"])

    static let registeredModels = Tables(owner: "rm.model_key", metrics: nil, params: nil, tags: "mlflow_registered_model_tags",
                                         ownerColumn: "model_key",
                                         attributes: ["name": "rm.name", "creation_timestamp": "rm.creation_timestamp",
                                                      "last_updated_timestamp": "rm.last_updated_timestamp"],
                                         notEqualMatchesMissing: true)
    static let modelVersions = Tables(owner: "mv.version_id", metrics: nil, params: nil, tags: "mlflow_model_version_tags",
                                      ownerColumn: "version_id",
                                      attributes: ["name": "rm.name", "version_number": "mv.version", "run_id": "mv.run_id",
                                                   "source_path": "mv.source", "current_stage": "mv.current_stage", "user_id": "mv.user_id",
                                                   "model_id": "mv.model_id", "creation_timestamp": "mv.creation_timestamp",
                                                   "last_updated_timestamp": "mv.last_updated_timestamp"],
                                      notEqualMatchesMissing: true)

    static let traces = Tables(owner: "t.trace_id", metrics: nil, params: "mlflow_trace_metadata", tags: "mlflow_trace_tags",
                               ownerColumn: "trace_id",
                               attributes: ["trace_id": "t.trace_id", "state": "t.state", "client_request_id": "t.client_request_id",
                                            "name": "(SELECT n.value FROM mlflow_trace_tags n WHERE n.trace_id = t.trace_id AND n.key = 'mlflow.traceName')",
                                            "run_id": "(SELECT r.value FROM mlflow_trace_metadata r WHERE r.trace_id = t.trace_id AND r.key = 'mlflow.sourceRun')",
                                            "timestamp_ms": "t.request_time", "execution_time_ms": "t.execution_duration"])

    /// `(sql, arguments)` for the filter's clauses, joined with AND ("1" when none).
    static func condition(_ filter: SearchFilter, _ tables: Tables) throws -> (String, StatementArguments) {
        var parts: [String] = []
        var arguments = StatementArguments()
        for clause in filter.clauses {
            let (sql, args) = try condition(clause, tables)
            parts.append(sql)
            arguments += args
        }
        return (parts.isEmpty ? "1" : parts.joined(separator: " AND "), arguments)
    }

    static func condition(_ clause: SearchFilter.Clause, _ t: Tables) throws -> (String, StatementArguments) {
        func keyed(_ table: String?, _ key: String) throws -> (String, StatementArguments) {
            guard let table else { throw TrackingError.invalidParameter("this search has no such entity") }
            let lookup = "SELECT 1 FROM \(table) x WHERE x.\(t.ownerColumn) = \(t.owner) AND x.key = ?"
            switch clause.comparator {
            case .isNull: return ("NOT EXISTS (\(lookup))", [key])
            case .isNotNull: return ("EXISTS (\(lookup))", [key])
            case .notEqual where t.notEqualMatchesMissing:
                let (test, value) = try comparison("x.value", .equal, clause.value)
                return ("NOT EXISTS (\(lookup) AND \(test))", [key] + value)
            case .notEqual where table == nanMarkedMetrics:
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
            guard t.owner == runs.owner else { throw TrackingError.invalidParameter("this search has no datasets") }
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
    static func order(_ terms: [SearchOrder], _ t: Tables, fallback: String) throws -> (String, StatementArguments) {
        var parts: [String] = []
        var arguments = StatementArguments()
        for term in terms {
            let expression: String
            switch term.entity {
            case .metric(let key), .param(let key), .tag(let key):
                let table: String?
                switch term.entity {
                case .metric: table = t.metrics
                case .param: table = t.params
                default: table = t.tags
                }
                guard let table else { throw TrackingError.invalidParameter("this search cannot be ordered by that entity") }
                let lookup = "FROM \(table) x WHERE x.\(t.ownerColumn) = \(t.owner) AND x.key = ?"
                expression = "(SELECT x.value \(lookup))"
                arguments += [key, key]
                if case .metric = term.entity, table == nanMarkedMetrics {
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

    /// The table of runs' latest metrics, where a NaN is a NULL value with `is_nan` set.
    static let nanMarkedMetrics = "mlflow_latest_metrics"

    /// The table and key an order term reads when it is a metric or a param, whose values are
    /// indexed by key (`*_by_value`), so a page in that order can be read without a full sort;
    /// `nanMarked` when a NULL value there may be a NaN (sorted after numbers, before missing).
    static func indexedOrderKey(_ term: SearchOrder, _ t: Tables) -> (table: String, key: String, nanMarked: Bool)? {
        switch term.entity {
        case .metric(let key): return t.metrics.map { ($0, key, $0 == nanMarkedMetrics) }
        case .param(let key): return t.params.map { ($0, key, false) }
        default: return nil
        }
    }

    /// Runs `body` with SQLite's LIKE case-sensitive, as MLflow's is, and restores it.
    static func withCaseSensitiveLike<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        try db.execute(sql: "PRAGMA case_sensitive_like = ON")
        defer { try? db.execute(sql: "PRAGMA case_sensitive_like = OFF") }
        return try body()
    }
}
