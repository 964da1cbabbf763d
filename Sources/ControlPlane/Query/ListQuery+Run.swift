import GRDB

extension ListQuery {
    /// Runs the query: the rows of the requested page and the total count.
    func run(_ schema: ResourceSchema, db: GRDB.Database) throws -> (rows: [Row], total: Int) {
        var scoped = scope
        if let project {
            let projectID = try ProjectLookup.id(of: project, db: db)
            scoped.append(SQLCondition(sql: "t.project_id = ?", arguments: [projectID.databaseValue]))
        }
        var clauses = scoped.map { "(\($0.sql))" }
        var arguments = scoped.flatMap(\.arguments)
        if !conditions.isEmpty {
            let joiner = matchAny ? " OR " : " AND "
            clauses.append("(" + conditions.map { "(\($0.sql))" }.joined(separator: joiner) + ")")
            arguments += conditions.flatMap(\.arguments)
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
        return (rows, total)
    }

    /// Pages needed for `total` items; an empty result still has its one (empty) page.
    func totalPages(_ total: Int) -> Int {
        max(1, total / size + (total % size == 0 ? 0 : 1))
    }

    /// Rows to skip for the requested page. A page past the last one is ZenML's
    /// `ValueError` (400); checking it first also keeps `(page - 1) * size` in range.
    func offset(total: Int) throws -> Int {
        let pages = totalPages(total)
        guard page <= pages else {
            throw ControlPlaneError.invalid("Invalid page \(page). The requested page size is \(size) and there are a total of "
                + "\(total) items for this query. The maximum page value therefore is \(pages).")
        }
        return (page - 1) * size
    }

    /// ZenML's `Page` envelope around rendered items.
    func page(items: [JSONValue], total: Int) -> JSONValue {
        let totalPages = totalPages(total)
        return ["index": .int(Int64(page)), "max_size": .int(Int64(size)), "total_pages": .int(Int64(totalPages)),
                "total": .int(Int64(total)), "items": .array(items)]
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
