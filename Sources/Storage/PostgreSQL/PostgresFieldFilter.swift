import PostgresNIO

/// `FieldFilter`s and `RecordPageRequest`s as PostgreSQL SQL: the same requests
/// `SQLiteFieldFilter` answers, each value bound as its column's type.
public enum PostgresFieldFilter {
    /// `filter` over `column`, its values bound into `statement`.
    public static func condition(_ filter: FieldFilter, column: ListedColumn, into statement: inout PostgresStatement) -> String {
        let values = filter.values, name = column.name
        switch filter.operation {
        case .isNull: return "\(name) IS NULL"
        case .isNotNull: return "\(name) IS NOT NULL"
        case .oneOf, .notOneOf:
            let negated = filter.operation == .notOneOf
            guard !values.isEmpty else { return negated ? "TRUE" : "FALSE" }
            let marks = values.map { statement.bind($0, as: column.kind) }.joined(separator: ",")
            return "\(name) \(negated ? "NOT " : "")IN (\(marks))"
        case .between:
            let low = statement.bind(values.first ?? .null, as: column.kind)
            let high = statement.bind(values.dropFirst().first ?? .null, as: column.kind)
            return "\(name) BETWEEN \(low) AND \(high)"
        case .contains, .notContains, .startsWith, .endsWith:
            let text: String
            if case let .text(value)? = values.first { text = value } else { text = "" }
            let operation = filter.operation
            let pattern = FieldFilter.likePattern(text, anyBefore: operation != .startsWith, anyAfter: operation != .endsWith)
            let mark = statement.bind(.text(pattern), as: .text)
            // Other columns are compared as their text, as SQLite does; ILIKE because SQLite's
            // LIKE (and ZenML's own databases) ignore case.
            let subject = column.kind == .text ? name : "CAST(\(name) AS TEXT)"
            return "\(subject) \(operation == .notContains ? "NOT " : "")ILIKE \(mark) ESCAPE '\\'"
        case .equals, .notEquals, .greater, .greaterOrEqual, .less, .lessOrEqual:
            let symbol = filter.operation.comparisonOperator ?? "="
            return "\(name) \(symbol) \(statement.bind(values.first ?? .null, as: column.kind))"
        }
    }

    /// The condition (empty when nothing filters) for `filters`, each field mapped through
    /// `columns`; `UnknownRecordField` for a field it lacks.
    public static func whereClause(_ filters: [FieldFilter], matchAny: Bool, columns: [String: ListedColumn],
                                   into statement: inout PostgresStatement) throws -> String {
        guard !filters.isEmpty else { return "" }
        var parts: [String] = []
        for filter in filters {
            guard let column = columns[filter.field] else { throw UnknownRecordField(field: filter.field) }
            parts.append("(" + condition(filter, column: column, into: &statement) + ")")
        }
        return "(" + parts.joined(separator: matchAny ? " OR " : " AND ") + ")"
    }

    /// `ORDER BY` for `request`'s sort field, ties broken by `idColumn`. Text sorts by its
    /// bytes (`COLLATE "C"`), as SQLite sorts it, whatever the database's locale.
    public static func orderClause(_ request: RecordPageRequest, columns: [String: ListedColumn], idColumn: String) throws -> String {
        guard let column = columns[request.sortField] else { throw UnknownRecordField(field: request.sortField) }
        let direction = request.descending ? "DESC" : "ASC"
        let sorted = column.kind == .text ? "\(column.name) COLLATE \"C\"" : column.name
        return "ORDER BY \(sorted) \(direction), \(idColumn) COLLATE \"C\" \(direction)"
    }

    /// The page of `table` that `request` asks for within the condition `scope` writes (always
    /// applied, whatever `matchAny` says), with the number of rows matching in all.
    public static func page(_ store: PostgresStore, table: String, scope: (inout PostgresStatement) -> String,
                            request: RecordPageRequest, columns: [String: ListedColumn]) async throws -> (rows: [PostgresRow], total: Int) {
        var statement = PostgresStatement()
        let scoped = scope(&statement)
        let filter = try whereClause(request.filters, matchAny: request.matchAny, columns: columns, into: &statement)
        let whereSQL = "WHERE (\(scoped))" + (filter.isEmpty ? "" : " AND \(filter)")
        let total = try await store.rows(statement.query("SELECT COUNT(*) FROM \(table) \(whereSQL)")).first?.decode(Int.self) ?? 0
        let order = try orderClause(request, columns: columns, idColumn: "id")
        let limit = statement.bind(Int64(max(0, request.limit))), offset = statement.bind(Int64(max(0, request.offset)))
        let sql = "SELECT * FROM \(table) \(whereSQL) \(order) LIMIT \(limit) OFFSET \(offset)"
        return (try await store.rows(statement.query(sql)), total)
    }
}
