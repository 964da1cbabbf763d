/// How a list filter compares a field with its values, in no engine's syntax.
public enum FilterOperation: Sendable, Equatable {
    case equals, notEquals, greater, greaterOrEqual, less, lessOrEqual
    /// Text containment; the value is plain text (wildcards in it match only themselves).
    case contains, notContains, startsWith, endsWith
    /// Membership in the values (an empty list matches nothing, or everything when negated).
    case oneOf, notOneOf
    case isNull, isNotNull
    /// Between the first and the second value, both included.
    case between
}

/// One filter of a list request on a field named as the API names it (`name`, `user_id`):
/// the module that owns the records maps the field to its storage and its engine's syntax.
public struct FieldFilter: Sendable, Equatable {
    public var field: String
    public var operation: FilterOperation
    public var values: [StoredValue]

    /// A filter on `field`; `values` as the operation takes them (none for the null tests).
    public init(_ field: String, _ operation: FilterOperation, _ values: [StoredValue] = []) {
        self.field = field
        self.operation = operation
        self.values = values
    }
}

/// A page of records some other module owns, asked for in no engine's syntax: filters joined
/// by all or any, an order on one field (ties broken by id), and a window.
public struct RecordPageRequest: Sendable, Equatable {
    public var filters: [FieldFilter]
    /// Whether any filter suffices (ZenML's `logical_operator=or`) rather than all.
    public var matchAny: Bool
    public var sortField: String
    public var descending: Bool
    public var offset: Int
    public var limit: Int

    /// A request for `limit` records after `offset` in `sortField` order.
    public init(filters: [FieldFilter] = [], matchAny: Bool = false, sortField: String = "created", descending: Bool = false,
                offset: Int = 0, limit: Int) {
        self.filters = filters
        self.matchAny = matchAny
        self.sortField = sortField
        self.descending = descending
        self.offset = offset
        self.limit = limit
    }
}

extension FilterOperation {
    /// The SQL comparison operator of a comparison (`=`, `<>`, `<` …, the same in SQLite and
    /// PostgreSQL); nil for the operations that are not one.
    public var comparisonOperator: String? {
        switch self {
        case .equals: "="
        case .notEquals: "<>"
        case .greater: ">"
        case .greaterOrEqual: ">="
        case .less: "<"
        case .lessOrEqual: "<="
        default: nil
        }
    }
}

extension FieldFilter {
    /// `text` as a LIKE pattern (escaped with `\\`, as SQLite and PostgreSQL both take it)
    /// matching it literally, with `%` around it as asked.
    public static func likePattern(_ text: String, anyBefore: Bool, anyAfter: Bool) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return (anyBefore ? "%" : "") + escaped + (anyAfter ? "%" : "")
    }
}

/// A filter or an order named a field the records' owner does not offer: the caller's
/// mistake in building the request, reported with the field so it can be fixed.
public struct UnknownRecordField: Error, CustomStringConvertible {
    public let field: String

    /// The error for `field`.
    public init(field: String) { self.field = field }

    public var description: String { "records have no field '\(field)' to filter or sort on" }
}
