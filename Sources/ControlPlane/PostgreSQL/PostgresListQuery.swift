import PostgresNIO
import Storage

extension ListQuery {
    /// Runs the query on PostgreSQL: the rows of the requested page and the total count, with
    /// the same conditions and order as on SQLite (text ordered by its bytes).
    func run(_ schema: ResourceSchema, store: PostgresStore, on connection: PostgresConnection) async throws -> (rows: [StoredRow], total: Int) {
        var statement = PostgresStatement()
        var clauses: [String] = []
        if let project {
            let projectID = try await PostgresProjectLookup.id(of: project, store: store, on: connection)
            clauses.append("(t.project_id = \(statement.bind(projectID)))")
        }
        clauses += scope.map { "(\($0.postgres(into: &statement)))" }
        if !conditions.isEmpty {
            let filters = try conditions.map { "(\(try $0.postgres(schema, into: &statement)))" }
            clauses.append("(" + filters.joined(separator: matchAny ? " OR " : " AND ") + ")")
        }
        let whereSQL = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
        let total = try await store.rows(statement.query("SELECT COUNT(*) FROM \(schema.table) t\(whereSQL)"), on: connection)
            .first?.decode(Int64.self) ?? 0
        let offset = try offset(total: Int(total))
        let direction = descending ? "DESC" : "ASC"
        let sort = schema.fields[sortField].map { PostgresListQuery.ordered($0.sql, $0.kind) } ?? "t.created COLLATE \"C\""
        let order = "ORDER BY \(sort) \(direction), t.id COLLATE \"C\" \(direction)"
        let limitMark = statement.bind(Int64(size)), offsetMark = statement.bind(Int64(offset))
        // As on SQLite, the page's ids are chosen first and only their rows read whole.
        let rows = try await store.rows(statement.query("""
            SELECT t.* FROM \(schema.table) t WHERE t.id IN (
                SELECT t.id FROM \(schema.table) t\(whereSQL) \(order) LIMIT \(limitMark) OFFSET \(offsetMark)
            ) \(order)
            """), on: connection)
        return (try rows.map(StoredRow.init(postgres:)), Int(total))
    }
}

/// What PostgreSQL needs to answer list requests as SQLite does.
enum PostgresListQuery {
    /// `column` as an order term: text (names, ids, times) by its bytes, as SQLite orders it.
    static func ordered(_ column: String, _ kind: FilterKind) -> String {
        switch kind {
        case .string, .uuid, .datetime: return "\(column) COLLATE \"C\""
        case .int, .bool: return column
        }
    }
}

/// Resolves `project` values (a UUID or a name) on PostgreSQL, as every project-scoped route does.
enum PostgresProjectLookup {
    static func id(of nameOrID: String, store: PostgresStore, on connection: PostgresConnection) async throws -> String {
        guard let id = try await store.rows("SELECT id FROM projects WHERE id = \(nameOrID.lowercased()) OR name = \(nameOrID)", on: connection)
            .first?.decode(String.self)
        else { throw ControlPlaneError.notFound("Unable to get project with name or ID '\(nameOrID)': No project with this name or ID found.") }
        return id
    }
}

extension ListCondition {
    /// The condition as PostgreSQL SQL over `schema`'s table, its values bound into `statement`.
    func postgres(_ schema: ResourceSchema, into statement: inout PostgresStatement) throws -> String {
        switch self {
        case let .rule(condition): return condition.postgres(into: &statement)
        case let .field(filter):
            guard let (column, kind) = schema.fields[filter.field] else { throw UnknownRecordField(field: filter.field) }
            return PostgresFieldFilter.condition(filter, column: ListedColumn(column, kind.listed), into: &statement)
        case let .account(field, _): throw UnknownRecordField(field: "\(field) (an unresolved user filter)")
        }
    }
}

extension SQLCondition {
    /// The condition as PostgreSQL SQL, its values bound into `statement` as `$n`.
    func postgres(into statement: inout PostgresStatement) -> String {
        var sql = ""
        for part in parts {
            switch part {
            case let .sql(text): sql += text
            case let .argument(value): sql += statement.bind(value, as: value.listedKind)
            case let .filter(filter, column, kind):
                sql += PostgresFieldFilter.condition(filter, column: ListedColumn(column, kind.listed), into: &statement)
            }
        }
        return sql
    }
}

extension FilterKind {
    /// How a column of this kind is held on PostgreSQL (ids and times as text).
    var listed: ListedColumn.Kind {
        switch self {
        case .string, .uuid, .datetime: return .text
        case .int: return .integer
        case .bool: return .boolean
        }
    }
}

extension StoredValue {
    /// The kind a rule's value binds as: its own.
    var listedKind: ListedColumn.Kind {
        switch self {
        case .integer: return .integer
        case .real: return .real
        case .null, .text, .blob: return .text
        }
    }
}

extension StoredRow {
    /// A PostgreSQL row as the engine-free record the renderer reads.
    init(postgres row: PostgresRow) throws {
        var values: [String: StoredValue] = [:]
        for cell in row { values[cell.columnName] = try StoredValue(postgres: cell) }
        self.init(values)
    }
}
