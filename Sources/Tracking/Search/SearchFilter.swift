/// MLflow's search filter, parsed: `clause (AND clause)*`, each clause an entity key, a
/// comparator and a value. Backend-neutral; each repository turns it into its own query.
public struct SearchFilter: Sendable, Equatable {
    /// What a clause compares.
    public enum Entity: Sendable, Equatable {
        case metric(String), param(String), tag(String), attribute(String)
        /// A dataset the run read: `name`, `digest` or `context` (the input's `mlflow.data.context` tag).
        case dataset(String)
    }

    /// The comparison of one clause.
    public enum Comparator: String, Sendable, Equatable {
        case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case like = "LIKE", ilike = "ILIKE", inList = "IN", notInList = "NOT IN", isNull = "IS NULL", isNotNull = "IS NOT NULL"
    }

    /// A literal on the right of a comparator.
    public enum Value: Sendable, Equatable {
        case number(Double), string(String), list([String]), none
    }

    /// One `entity comparator value`.
    public struct Clause: Sendable, Equatable {
        public let entity: Entity
        public let comparator: Comparator
        public let value: Value
    }

    public let clauses: [Clause]

    /// Parses `text`; empty text is no filter. Errors are INVALID_PARAMETER_VALUE.
    public init(_ text: String, attributes: SearchAttributes) throws {
        var tokens = try SearchTokenizer.tokens(text)
        var clauses: [Clause] = []
        while !tokens.isEmpty {
            if !clauses.isEmpty {
                guard case .word(let word) = tokens.removeFirst(), word.uppercased() == "AND" else {
                    throw Self.invalid(text, "clauses must be joined with AND (OR and parentheses are not supported)")
                }
            }
            clauses.append(try Self.clause(&tokens, text: text, attributes: attributes))
        }
        self.clauses = clauses
    }

    static func invalid(_ text: String, _ why: String) -> TrackingError {
        .invalidParameter("Invalid filter '\(TrackingRules.printable(text))': \(why)")
    }

    static func clause(_ tokens: inout [SearchToken], text: String, attributes: SearchAttributes) throws -> Clause {
        if case .word(let word)? = tokens.first, let name = attributes.canonical(word) {  // a bare attribute: `name LIKE 'x%'`
            tokens[0] = .identifier("attributes", name)
        }
        guard case .identifier(let prefix, let key) = tokens.first else { throw invalid(text, "expected an identifier such as metrics.acc, params.lr, tags.x or attributes.status") }
        tokens.removeFirst()
        let entity: Entity
        switch prefix.lowercased() {
        case "metrics", "metric": entity = .metric(key)
        case "params", "param", "parameters", "parameter": entity = .param(key)
        case "metadata", "request_metadata":
            guard attributes.searchesMetadata else { throw invalid(text, "invalid entity type '\(prefix)'") }
            entity = .param(key)
        case "tags", "tag": entity = .tag(key)
        case "attributes", "attribute", "attr", "run", "trace":
            guard let name = attributes.canonical(key) else { throw invalid(text, "unknown attribute '\(key)'; known: \(attributes.all.sorted().joined(separator: ", "))") }
            entity = .attribute(name)
        case "datasets", "dataset":
            guard attributes.searchesDatasets else { throw invalid(text, "invalid entity type '\(prefix)'") }
            guard ["name", "digest", "context"].contains(key) else { throw invalid(text, "datasets are searched by name, digest or context, not '\(key)'") }
            entity = .dataset(key)
        default: throw invalid(text, "invalid entity type '\(prefix)'")
        }
        let comparator = try Self.comparator(&tokens, text: text)
        let value: Value
        switch comparator {
        case .isNull, .isNotNull: value = .none
        case .inList, .notInList:
            guard case .list(let items) = tokens.first else { throw invalid(text, "IN needs a parenthesised list of quoted strings") }
            tokens.removeFirst()
            value = .list(items)
        default:
            switch tokens.first {
            case .number(let n)?: value = .number(n)
            case .string(let s)?: value = .string(s)
            default: throw invalid(text, "expected a value after \(comparator.rawValue)")
            }
            tokens.removeFirst()
        }
        try Self.check(entity, comparator, value, text: text, attributes: attributes)
        return Clause(entity: entity, comparator: comparator, value: value)
    }

    static func comparator(_ tokens: inout [SearchToken], text: String) throws -> Comparator {
        guard let first = tokens.first else { throw invalid(text, "a comparator is missing") }
        tokens.removeFirst()
        switch first {
        case .symbol(let symbol):
            guard let comparator = Comparator(rawValue: symbol) else { throw invalid(text, "unknown comparator '\(symbol)'") }
            return comparator
        case .word(let word):
            let upper = word.uppercased()
            if upper == "LIKE" { return .like }
            if upper == "ILIKE" { return .ilike }
            if upper == "IN" { return .inList }
            if upper == "NOT", case .word(let next)? = tokens.first, next.uppercased() == "IN" { tokens.removeFirst(); return .notInList }
            if upper == "IS", case .word(let next)? = tokens.first {
                tokens.removeFirst()
                if next.uppercased() == "NULL" { return .isNull }
                if next.uppercased() == "NOT", case .word(let last)? = tokens.first, last.uppercased() == "NULL" { tokens.removeFirst(); return .isNotNull }
            }
            throw invalid(text, "unknown comparator '\(word)'")
        default:
            throw invalid(text, "expected a comparator")
        }
    }

    /// MLflow's typing rules: metrics and numeric attributes compare with numbers; params,
    /// tags and string attributes with quoted strings; IN only for string attributes.
    static func check(_ entity: Entity, _ comparator: Comparator, _ value: Value, text: String, attributes: SearchAttributes) throws {
        let numericComparators: Set<Comparator> = [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual]
        let stringComparators: Set<Comparator> = [.equal, .notEqual, .like, .ilike]
        switch entity {
        case .metric:
            guard numericComparators.contains(comparator), case .number = value else { throw invalid(text, "metrics compare with = != < <= > >= and a number") }
        case .dataset:
            if comparator == .inList || comparator == .notInList { return }
            guard stringComparators.contains(comparator), case .string = value else { throw invalid(text, "datasets compare with = != LIKE ILIKE IN NOT IN and quoted strings") }
        case .param, .tag:
            if comparator == .isNull || comparator == .isNotNull { return }
            guard stringComparators.contains(comparator), case .string = value else { throw invalid(text, "params and tags compare with = != LIKE ILIKE and a quoted string, or IS [NOT] NULL") }
        case .attribute(let name):
            if attributes.numeric.contains(name) {
                guard numericComparators.contains(comparator), case .number = value else { throw invalid(text, "'\(name)' compares with = != < <= > >= and a number") }
            } else if comparator == .inList || comparator == .notInList {
                return
            } else {
                guard stringComparators.contains(comparator), case .string = value else { throw invalid(text, "'\(name)' compares with = != LIKE ILIKE IN NOT IN and quoted strings") }
            }
        }
    }
}

/// The attributes one kind of search knows, with their aliases.
public struct SearchAttributes: Sendable {
    let strings: Set<String>
    let numeric: Set<String>
    let aliases: [String: String]

    var all: Set<String> { strings.union(numeric) }
    /// Whether `datasets.<name|digest|context>` names something (runs read datasets).
    var searchesDatasets: Bool { strings.contains("run_name") }
    /// Whether `metadata.<key>` names something (traces keep metadata where runs keep params).
    var searchesMetadata: Bool { strings.contains("client_request_id") }

    /// The attribute's own name for `key` (aliases resolved), or nil.
    func canonical(_ key: String) -> String? {
        let name = aliases[key] ?? key
        return all.contains(name) ? name : nil
    }

    /// Runs: MLflow's run attributes.
    public static let runs = SearchAttributes(strings: ["run_id", "run_name", "status", "user_id", "artifact_uri", "lifecycle_stage"],
                                              numeric: ["start_time", "end_time"],
                                              aliases: ["created": "start_time", "Created": "start_time", "run name": "run_name", "runName": "run_name"])
    /// Logged models: MLflow 3's logged-model attributes.
    public static let loggedModels = SearchAttributes(strings: ["model_id", "name", "status", "source_run_id", "model_type", "artifact_uri"],
                                                      numeric: ["creation_timestamp", "last_updated_timestamp"],
                                                      aliases: ["creation_time": "creation_timestamp", "last_updated_time": "last_updated_timestamp"])
    /// Registered models: name and times.
    public static let registeredModels = SearchAttributes(strings: ["name"], numeric: ["creation_timestamp", "last_updated_timestamp"],
                                                          aliases: ["timestamp": "creation_timestamp"])
    /// Model versions: MLflow's model-version search attributes.
    public static let modelVersions = SearchAttributes(strings: ["name", "run_id", "source_path", "current_stage", "user_id", "model_id"],
                                                       numeric: ["version_number", "creation_timestamp", "last_updated_timestamp"],
                                                       aliases: ["version": "version_number", "timestamp": "creation_timestamp"])
    /// Traces: MLflow 3's trace attributes (metadata is searched as `metadata.<key>`).
    public static let traces = SearchAttributes(strings: ["trace_id", "state", "client_request_id", "name", "run_id"],
                                                numeric: ["timestamp_ms", "execution_time_ms"],
                                                aliases: ["status": "state", "request_id": "trace_id", "timestamp": "timestamp_ms",
                                                          "execution_time": "execution_time_ms", "request_time": "timestamp_ms"])
    /// Experiments: name, id and times.
    public static let experiments = SearchAttributes(strings: ["name"], numeric: ["experiment_id", "creation_time", "last_update_time"], aliases: [:])
}
