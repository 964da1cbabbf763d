import GRDB

extension ListQuery {
    /// Runs the query: the rows of the requested page and the total count.
    func run(_ schema: ResourceSchema, db: GRDB.Database) throws -> (rows: [StoredRow], total: Int) {
        var scoped = scope
        if let project {
            let projectID = try ProjectLookup.id(of: project, db: db)
            scoped.append(SQLCondition(sql: "t.project_id = ?", arguments: [.text(projectID)]))
        }
        var clauses = scoped.map { "(\($0.sql))" }
        var arguments = scoped.flatMap(\.arguments).map(\.databaseValue)
        if !conditions.isEmpty {
            let joiner = matchAny ? " OR " : " AND "
            clauses.append("(" + conditions.map { "(\($0.sql))" }.joined(separator: joiner) + ")")
            arguments += conditions.flatMap(\.arguments).map(\.databaseValue)
        }
        let whereSQL = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
        let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(schema.table) t\(whereSQL)",
                                     arguments: StatementArguments(arguments)) ?? 0
        let offset = try offset(total: total)
        let direction = descending ? "DESC" : "ASC"
        let rows = try Row.fetchAll(db, sql: """
            SELECT t.* FROM \(schema.table) t\(whereSQL)
            ORDER BY \(sortSQL) \(direction), t.id \(direction) LIMIT ? OFFSET ?
            """, arguments: StatementArguments(arguments + [size.databaseValue, offset.databaseValue]))
        return (rows.map(StoredRow.init), total)
    }
}

/// Resolves `project` values (a UUID or a name) as every project-scoped route does.
enum ProjectLookup {
    static func id(of nameOrID: String, db: GRDB.Database) throws -> String {
        guard let id = try String.fetchOne(db, sql: "SELECT id FROM projects WHERE id = ? OR name = ?",
                                           arguments: [nameOrID.lowercased(), nameOrID])
        else { throw ControlPlaneError.notFound("Unable to get project with name or ID '\(nameOrID)': No project with this name or ID found.") }
        return id
    }
}
