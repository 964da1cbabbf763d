import GRDB
import Hummingbird
import Storage

/// `/projects`: the namespaces pipelines, runs and artifacts live in. Paths take a
/// name or an id; project `default` always exists.
struct ProjectController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints

    static var schema: ResourceSchema {
        ResourceSchema(table: "projects", noun: "project", projectScoped: false, fields: [
            "name": ("t.name", .string), "display_name": ("t.display_name", .string),
        ])
    }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("projects", use: list)
        group.post("projects", use: create)
        group.get("projects/:id", use: get)
        group.put("projects/:id", use: update)
        group.delete("projects/:id", use: delete)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.list(request, Self.schema) { renderer, row, detail in try renderer.project(row, detail: detail) }
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("id")
        let detail = Detail.of(hydrate: try endpoints.hydrate(request))
        return try await endpoints.read { renderer in
            try renderer.project(renderer.row("projects", id: try ProjectLookup.id(of: key, db: renderer.db), noun: "project"), detail: detail)
        }
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { _ in
            let name = try fields.name()
            let displayName = try fields.optionalName("display_name") ?? name
            let description = try fields.string("description") ?? ""
            let id = String.newID()
            try await endpoints.store.pool.write { db in
                if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM projects WHERE name = ?", arguments: [name]) ?? 0 > 0 {
                    throw ControlPlaneError.alreadyExists("A project named '\(name)' already exists.")
                }
                let now = Timestamp.now()
                try db.execute(sql: "INSERT INTO projects (id, name, display_name, description, created, updated) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [id, name, displayName, description, now, now])
            }
            return try await endpoints.render("projects", id: id, noun: "project") { try $0.project($1, detail: $2) }
        }
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let key = try context.parameters.require("id")
        return try await endpoints.write(request, context) { _ in
            let name = try fields.optionalName("name"), displayName = try fields.optionalName("display_name")
            let description = try fields.string("description")
            let id = try await endpoints.store.pool.write { db -> String in
                let id = try ProjectLookup.id(of: key, db: db)
                if let name, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM projects WHERE name = ? AND id != ?", arguments: [name, id]) ?? 0 > 0 {
                    throw ControlPlaneError.alreadyExists("A project named '\(name)' already exists.")
                }
                try db.execute(sql: """
                    UPDATE projects SET name = COALESCE(?, name), display_name = COALESCE(?, display_name),
                    description = COALESCE(?, description), updated = ? WHERE id = ?
                    """, arguments: [name, displayName, description, Timestamp.now(), id])
                return id
            }
            return try await endpoints.render("projects", id: id, noun: "project") { try $0.project($1, detail: $2) }
        }
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("id")
        return try await endpoints.write(request, context) { _ in
            try await endpoints.store.pool.write { db in
                let id = try ProjectLookup.id(of: key, db: db)
                if try String.fetchOne(db, sql: "SELECT name FROM projects WHERE id = ?", arguments: [id]) == "default" {
                    throw ControlPlaneError.forbidden("The default project cannot be deleted.")
                }
                if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM pipeline_runs WHERE project_id = ?", arguments: [id]) ?? 0 > 0
                    || Int.fetchOne(db, sql: "SELECT COUNT(*) FROM artifacts WHERE project_id = ?", arguments: [id]) ?? 0 > 0
                    || Int.fetchOne(db, sql: "SELECT COUNT(*) FROM models WHERE project_id = ?", arguments: [id]) ?? 0 > 0 {
                    throw ControlPlaneError.forbidden("The project still holds runs, artifacts or models; delete them first.")
                }
                try db.execute(sql: "DELETE FROM logs WHERE project_id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM pipeline_snapshots WHERE project_id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM pipelines WHERE project_id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM projects WHERE id = ?", arguments: [id])
            }
            return nil
        }
    }
}
