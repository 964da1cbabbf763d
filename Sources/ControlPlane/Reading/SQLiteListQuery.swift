import GRDB
import Storage

extension ListQuery {
    /// Runs the query: the rows of the requested page and the total count.
    func run(_ schema: ResourceSchema, db: GRDB.Database) throws -> (rows: [StoredRow], total: Int) {
        var scoped = scope
        if let project {
            let projectID = try ProjectLookup.id(of: project, db: db)
            // A page of a whole project walks the (project_id, created) index in order and stops
            // after the page. With another filter (a run's steps, a pipeline's runs) that
            // filter's index is the one to use, and SQLite, without statistics, would still
            // pick the project's: the unary plus keeps it from doing so.
            let alone = scope.isEmpty && conditions.isEmpty
            scoped.append(SQLCondition(sql: alone ? "t.project_id = ?" : "+t.project_id = ?", arguments: [.text(projectID)]))
        }
        let scopes = scoped.map(\.sqlite)
        var clauses = scopes.map { "(\($0.sql))" }
        var arguments = scopes.flatMap(\.arguments).map(\.databaseValue)
        if !conditions.isEmpty {
            let joiner = matchAny ? " OR " : " AND "
            let filters = try conditions.map { try $0.sqlite(schema) }
            clauses.append("(" + filters.map { "(\($0.sql))" }.joined(separator: joiner) + ")")
            arguments += filters.flatMap(\.arguments).map(\.databaseValue)
        }
        let whereSQL = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
        let total = try Int.fetchOne(try statement("SELECT COUNT(*) FROM \(schema.table) t\(whereSQL)", db),
                                     arguments: StatementArguments(arguments)) ?? 0
        let offset = try offset(total: total)
        let direction = descending ? "DESC" : "ASC"
        // The page's ids are chosen first and only their rows read whole: sorting the matching
        // rows with every column would read each one's JSON (a run's configuration, a
        // snapshot's steps) to keep twenty.
        let order = "ORDER BY \(schema.fields[sortField]?.sql ?? "t.created") \(direction), t.id \(direction)"
        let rows = try Row.fetchAll(try statement("""
            SELECT t.* FROM \(schema.table) t WHERE t.id IN (
                SELECT t.id FROM \(schema.table) t\(whereSQL) \(order) LIMIT ? OFFSET ?
            ) \(order)
            """, db), arguments: StatementArguments(arguments + [size.databaseValue, offset.databaseValue]))
        return (rows.map(StoredRow.init), total)
    }
}

extension ListQuery {
    /// The compiled `sql`: kept per connection when its shape is the route's own (no client
    /// filters), compiled afresh when client filters shaped it, so that no client can fill
    /// the statement cache with shapes of its making.
    func statement(_ sql: String, _ db: GRDB.Database) throws -> Statement {
        conditions.isEmpty ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
    }
}

/// Resolves `project` values (a UUID or a name) as every project-scoped route does.
enum ProjectLookup {
    static func id(of nameOrID: String, db: GRDB.Database) throws -> String {
        guard let id = try String.fetchOne(db.cachedStatement(sql: "SELECT id FROM projects WHERE id = ? OR name = ?"),
                                           arguments: [nameOrID.lowercased(), nameOrID])
        else { throw ControlPlaneError.notFound("Unable to get project with name or ID '\(nameOrID)': No project with this name or ID found.") }
        return id
    }
}

extension ListCondition {
    /// The condition as SQL over `schema`'s table. A `user=` filter must have been resolved
    /// through Identity first (`ListQuery.resolvingAccounts`).
    func sqlite(_ schema: ResourceSchema) throws -> (sql: String, arguments: [StoredValue]) {
        switch self {
        case let .rule(condition): return condition.sqlite
        case let .field(filter):
            guard let column = schema.fields[filter.field]?.sql else { throw UnknownRecordField(field: filter.field) }
            return SQLiteFieldFilter.condition(filter, column: column)
        case let .account(field, _): throw UnknownRecordField(field: "\(field) (an unresolved user filter)")
        }
    }
}

extension SQLCondition {
    /// The condition as SQLite SQL with `?` for each bound value.
    var sqlite: (sql: String, arguments: [StoredValue]) {
        var sql = "", arguments: [StoredValue] = []
        for part in parts {
            switch part {
            case let .sql(text): sql += text
            case let .argument(value): sql += "?"; arguments.append(value)
            case let .filter(filter, column, _):
                let (text, values) = SQLiteFieldFilter.condition(filter, column: column)
                sql += text; arguments += values
            }
        }
        return (sql, arguments)
    }
}
