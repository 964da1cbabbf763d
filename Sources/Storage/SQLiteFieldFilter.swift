import Foundation
import GRDB

/// `FieldFilter`s and `RecordPageRequest`s as SQL for SQLite, with every value bound, never
/// spliced. The SQL is the portable subset (`LIKE … ESCAPE`, `IN`, `BETWEEN`); an engine with
/// another dialect writes its own translation of the same requests.
public enum SQLiteFieldFilter {
    /// `filter` over the SQL expression `column`.
    public static func condition(_ filter: FieldFilter, column: String) -> (sql: String, arguments: [StoredValue]) {
        let values = filter.values
        switch filter.operation {
        case .isNull: return ("\(column) IS NULL", [])
        case .isNotNull: return ("\(column) IS NOT NULL", [])
        case .oneOf, .notOneOf:
            let negated = filter.operation == .notOneOf
            guard !values.isEmpty else { return (negated ? "1 = 1" : "1 = 0", []) }
            let marks = Array(repeating: "?", count: values.count).joined(separator: ",")
            return ("\(column) \(negated ? "NOT " : "")IN (\(marks))", values)
        case .between:
            return ("\(column) BETWEEN ? AND ?", [values.first ?? .null, values.dropFirst().first ?? .null])
        case .contains, .notContains, .startsWith, .endsWith:
            let text: String
            if case let .text(value)? = values.first { text = value } else { text = "" }
            let operation = filter.operation
            let pattern = FieldFilter.likePattern(text, anyBefore: operation != .startsWith, anyAfter: operation != .endsWith)
            return ("\(column) \(operation == .notContains ? "NOT " : "")LIKE ? ESCAPE '\\'", [.text(pattern)])
        case .equals, .notEquals, .greater, .greaterOrEqual, .less, .lessOrEqual:
            let symbol = filter.operation.comparisonOperator ?? "="
            return ("\(column) \(symbol) ?", [values.first ?? .null])
        }
    }

    /// The `WHERE` body (empty when nothing filters) for `request`'s filters, each field mapped
    /// through `columns`; `UnknownRecordField` for a field it lacks.
    public static func whereClause(_ filters: [FieldFilter], matchAny: Bool,
                                   columns: [String: String]) throws -> (sql: String, arguments: [StoredValue]) {
        guard !filters.isEmpty else { return ("", []) }
        var parts: [String] = [], arguments: [StoredValue] = []
        for filter in filters {
            guard let column = columns[filter.field] else { throw UnknownRecordField(field: filter.field) }
            let (sql, values) = condition(filter, column: column)
            parts.append("(\(sql))")
            arguments += values
        }
        return ("(" + parts.joined(separator: matchAny ? " OR " : " AND ") + ")", arguments)
    }

    /// `ORDER BY` for `request`'s sort field mapped through `columns`, ties broken by `idColumn`.
    public static func orderClause(_ request: RecordPageRequest, columns: [String: String], idColumn: String) throws -> String {
        guard let column = columns[request.sortField] else { throw UnknownRecordField(field: request.sortField) }
        let direction = request.descending ? "DESC" : "ASC"
        return "ORDER BY \(column) \(direction), \(idColumn) \(direction)"
    }
}

extension SQLiteFieldFilter {
    /// The page of `table` that `request` asks for within `scope` (a condition always
    /// applied, whatever `matchAny` says), its fields mapped through `columns`, with the
    /// number of rows matching in all: another module's list, read by the module that owns it.
    public static func page(_ db: Database, table: String, scope: String, scopeArguments: [StoredValue],
                            request: RecordPageRequest, columns: [String: String]) throws -> (rows: [Row], total: Int) {
        let (filter, arguments) = try whereClause(request.filters, matchAny: request.matchAny, columns: columns)
        let order = try orderClause(request, columns: columns, idColumn: "id")
        let whereSQL = "WHERE (\(scope))" + (filter.isEmpty ? "" : " AND \(filter)")
        let bound = scopeArguments + arguments
        let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) \(whereSQL)", arguments: bound.statementArguments) ?? 0
        let window: [StoredValue] = [max(0, request.limit).storedValue, max(0, request.offset).storedValue]
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(table) \(whereSQL) \(order) LIMIT ? OFFSET ?",
                                    arguments: (bound + window).statementArguments)
        return (rows, total)
    }
}

extension StoredValue {
    /// The value as GRDB binds it.
    public var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case let .integer(number): number.databaseValue
        case let .real(number): number.databaseValue
        case let .text(text): text.databaseValue
        case let .blob(bytes): Data(bytes).databaseValue
        }
    }
}

extension Array where Element == StoredValue {
    /// The values as GRDB statement arguments.
    public var statementArguments: StatementArguments { StatementArguments(map(\.databaseValue)) }
}
