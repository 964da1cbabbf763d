import Foundation
import Storage

/// One filter of a list request: a field of the list, a rule of the list's own (over the
/// control plane's tables), or ZenML's `user=` (a user's name or id), which Identity resolves
/// before the query runs.
enum ListCondition: Sendable {
    case field(FieldFilter)
    case rule(SQLCondition)
    case account(field: String, nameOrID: String)
}

/// A parsed ZenML list request: `page`, `size`, `sort_by`, `logical_operator`,
/// `hydrate`, `project` and filters written `field=<op>:<value>` (a bare value means
/// `equals`). Unknown parameters are ignored, as FastAPI does; known ones with bad
/// values are a 422.
struct ListQuery: Sendable {
    var page = 1
    var size = 20
    /// The field (as the schema names it) the page is ordered by, ties broken by id.
    var sortField = "created"
    var descending = false
    var matchAny = false
    var hydrate = false
    /// Name or id given as `project=`, resolved by the runner.
    var project: String?
    /// The filters, joined by `logical_operator`.
    var conditions: [ListCondition] = []
    /// Conditions that always hold, whatever `logical_operator` says (scoping).
    var scope: [SQLCondition] = []

    /// Largest page size accepted.
    static let maximumSize = 10_000
    static let operators: Set<String> = ["equals", "notequals", "contains", "notcontains", "startswith", "endswith",
                                         "oneof", "notoneof", "isnull", "isnotnull", "gt", "gte", "lt", "lte", "in"]

    /// Parameters every list takes that shape the page rather than filter it.
    static let paging: Set<String> = ["page", "size", "hydrate", "logical_operator", "sort_by"]

    /// Parses the query items of a request against `schema`. A parameter ZenML declares for
    /// this list (`documented`) that the schema does not apply is a 422 naming it, so an
    /// unapplied filter never answers with everything; undeclared ones are ignored, as FastAPI does.
    init(_ items: [(String, String)], schema: ResourceSchema, documented: Set<String> = []) throws {
        for (key, _) in items where documented.contains(key) && !Self.paging.contains(key) && !schema.applies(key) {
            throw Self.bad(key, "Enclave does not filter \(schema.noun)s by '\(key)' yet; leave it out")
        }
        for (key, value) in items {
            switch key {
            case "page": page = try Self.integer(key, value, minimum: 1, saturating: true)
            case "size": size = try Self.integer(key, value, minimum: 1, maximum: Self.maximumSize)
            case "hydrate": hydrate = try Self.boolean(key, value)
            case "logical_operator":
                guard value == "and" || value == "or" else { throw Self.bad(key, "Input should be 'and' or 'or'") }
                matchAny = value == "or"
            case "sort_by": try parseSort(value, schema: schema)
            case "project" where schema.projectScoped: project = value
            default:
                if let rule = schema.custom[key] {
                    if let condition = try rule(value) { conditions.append(.rule(condition)) }
                } else if key == "user", schema.fields["user_id"] != nil {
                    conditions.append(.account(field: "user_id", nameOrID: value))
                } else if key == "scope_user", schema.fields["user_id"] != nil {
                    // ZenML scopes a list to one user's rows with it.
                    conditions.append(.field(FieldFilter("user_id", .equals, [value.lowercased().storedValue])))
                } else if let field = schema.fields[key] {
                    conditions.append(.field(try Self.filter(key, field.kind, value)))
                }
            }
        }
    }

    static func bad(_ key: String, _ problem: String) -> ControlPlaneError {
        .validation("1 validation error: ('query', '\(key)') \(problem)")
    }

    /// An integer query value within bounds. With `saturating`, a well-formed integer
    /// too large for 64 bits counts as `Int.max` (Python's ints have no upper end, so
    /// ZenML's answer for it is the range error, not a parse error).
    static func integer(_ key: String, _ value: String, minimum: Int, maximum: Int = .max, saturating: Bool = false) throws -> Int {
        let digits = value.hasPrefix("+") ? value.dropFirst() : Substring(value)
        let overflowed = saturating && !digits.isEmpty && digits.utf8.count <= 4300 && digits.allSatisfy { ("0"..."9").contains($0) }
        guard let n = Int(value) ?? (overflowed ? Int.max : nil) else { throw bad(key, "Input should be a valid integer") }
        guard n >= minimum else { throw bad(key, "Input should be greater than or equal to \(minimum)") }
        guard n <= maximum else { throw bad(key, "Input should be less than or equal to \(maximum)") }
        return n
    }

    /// Python-style booleans as pydantic reads them (`True`, `false`, `1`, `yes`…).
    static func boolean(_ key: String, _ value: String) throws -> Bool {
        switch value.lowercased() {
        case "true", "1", "yes", "on", "t", "y": return true
        case "false", "0", "no", "off", "f", "n": return false
        default: throw bad(key, "Input should be a valid boolean")
        }
    }

    mutating func parseSort(_ value: String, schema: ResourceSchema) throws {
        var field = value
        descending = false
        if let colon = value.firstIndex(of: ":") {
            let op = value[..<colon]
            guard op == "asc" || op == "desc" else {
                throw ControlPlaneError.validation("1 validation error: ('query', 'sort_by') Invalid sort operator '\(op)': use asc: or desc:.")
            }
            descending = op == "desc"
            field = String(value[value.index(after: colon)...])
        }
        guard schema.fields[field] != nil else {
            throw ControlPlaneError.validation("1 validation error: ('query', 'sort_by') Invalid sort field '\(field)' for \(schema.noun)s.")
        }
        sortField = field
    }

    /// Splits `op:value`; an unknown prefix is part of the value, as in ZenML.
    static func split(_ raw: String) -> (op: String, value: String) {
        if let colon = raw.firstIndex(of: ":") {
            let op = String(raw[..<colon])
            if operators.contains(op) { return (op, String(raw[raw.index(after: colon)...])) }
        }
        return ("equals", raw)
    }

    /// The filter one `field=<op>:<value>` parameter asks for, its value parsed by the field's kind.
    static func filter(_ key: String, _ kind: FilterKind, _ raw: String) throws -> FieldFilter {
        let (op, text) = split(raw)
        let allowed: Set<String>
        switch kind {
        case .string, .uuid: allowed = ["equals", "notequals", "contains", "notcontains", "startswith", "endswith", "oneof", "notoneof", "isnull", "isnotnull"]
        case .int: allowed = ["equals", "notequals", "gt", "gte", "lt", "lte", "oneof", "notoneof", "isnull", "isnotnull"]
        case .bool: allowed = ["equals", "notequals", "isnull", "isnotnull"]
        case .datetime: allowed = ["equals", "notequals", "gt", "gte", "lt", "lte", "in", "isnull", "isnotnull"]
        }
        guard allowed.contains(op) else { throw bad(key, "The operator '\(op)' does not apply to this field") }
        switch op {
        case "isnull", "isnotnull":
            guard text.isEmpty else { throw bad(key, "The '\(op)' operator takes no value") }
            return FieldFilter(key, op == "isnull" ? .isNull : .isNotNull)
        case "oneof", "notoneof":
            guard let list = try? JSONValue.parse(Array(text.utf8)).arrayValue, !list.isEmpty, list.count <= 1000 else {
                throw bad(key, "With oneof: or notoneof: the value must be a JSON list")
            }
            let values = try list.map { item -> StoredValue in
                switch item {
                case let .string(v): return try scalar(key, kind, v)
                case let .int(v): return try scalar(key, kind, String(v))
                default: throw bad(key, "oneof: lists hold strings or integers")
                }
            }
            return FieldFilter(key, op == "oneof" ? .oneOf : .notOneOf, values)
        case "in":
            let bounds = text.split(separator: ",", maxSplits: 1).map(String.init)
            guard bounds.count == 2 else { throw bad(key, "The 'in' operator takes two comma separated datetimes") }
            return FieldFilter(key, .between, [try scalar(key, kind, bounds[0]), try scalar(key, kind, bounds[1])])
        case "contains", "notcontains", "startswith", "endswith":
            let operation: FilterOperation = ["contains": .contains, "notcontains": .notContains, "startswith": .startsWith][op] ?? .endsWith
            return FieldFilter(key, operation, [(kind == .uuid ? text.lowercased() : text).storedValue])
        default:
            let operation: FilterOperation = ["equals": .equals, "notequals": .notEquals, "gt": .greater, "gte": .greaterOrEqual,
                                              "lt": .less][op] ?? .lessOrEqual
            return FieldFilter(key, operation, [try scalar(key, kind, text)])
        }
    }

    /// Parses one query value according to the field's kind.
    static func scalar(_ key: String, _ kind: FilterKind, _ text: String) throws -> StoredValue {
        switch kind {
        case .string: return text.storedValue
        case .uuid: return text.lowercased().storedValue
        case .int:
            guard let n = Int64(text) else { throw bad(key, "The int filter only works with integer values") }
            return n.storedValue
        case .bool: return try boolean(key, text).storedValue
        case .datetime:
            guard let date = parseFilterTime(text) else {
                throw bad(key, "The datetime filter only works with values like '2026-01-31 12:00:00'")
            }
            return Timestamp.format(date).storedValue
        }
    }

    /// ZenML's filter format (`%Y-%m-%d %H:%M:%S`) or any ISO-8601 time.
    static func parseFilterTime(_ text: String) -> Date? {
        Timestamp.parse(text.trimmingCharacters(in: .whitespaces))
    }
}
