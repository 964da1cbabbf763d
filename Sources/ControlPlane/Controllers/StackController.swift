import GRDB
import Hummingbird
import Storage

/// `/stacks`: named sets of components, one per type, with an orchestrator and an
/// artifact store always. Stack `default` cannot be changed away or deleted.
struct StackController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints

    static var schema: ResourceSchema {
        ResourceSchema(table: "stacks", noun: "stack", projectScoped: false, fields: [
            "name": ("t.name", .string), "description": ("t.description", .string), "user_id": ("t.user_id", .uuid),
        ], custom: [
            "component_id": { value in
                SQLCondition(sql: "t.id IN (SELECT stack_id FROM stack_composition WHERE component_id = ?)", arguments: [value.lowercased().databaseValue])
            },
        ])
    }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("stacks", use: list)
        group.post("stacks", use: create)
        group.get("stacks/:id", use: get)
        group.put("stacks/:id", use: update)
        group.delete("stacks/:id", use: delete)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.list(request, Self.schema) { try $0.stack($1, detail: $2) }
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.get(request, context, table: "stacks", noun: "stack") { try $0.stack($1, detail: $2) }
    }

    /// Checks a `components` map: each id exists and has the type it is listed under,
    /// at most one per type, an orchestrator and an artifact store present.
    static func componentIDs(_ fields: RequestFields, db: GRDB.Database) throws -> [String] {
        let entries = try fields.uuidListMap("components")
        var ids: [String] = []
        for (type, list) in entries {
            guard ComponentController<Context>.types.contains(type) else { throw fields.fail("components", "Unknown component type '\(type)'") }
            guard list.count <= 1 else { throw ControlPlaneError.invalid("A stack takes one \(type), not \(list.count).") }
            for id in list {
                guard let actual = try String.fetchOne(db, sql: "SELECT type FROM stack_components WHERE id = ?", arguments: [id]) else {
                    throw ControlPlaneError.notFound("Unable to get stack component with ID '\(id)': No stack component with this ID found.")
                }
                guard actual == type else { throw ControlPlaneError.invalid("Component '\(id)' is a \(actual), not a \(type).") }
                ids.append(id)
            }
        }
        let present = Set(entries.filter { !$0.1.isEmpty }.map(\.0))
        for required in ["orchestrator", "artifact_store"] where !present.contains(required) {
            throw ControlPlaneError.invalid("A stack needs an \(required.replacingOccurrences(of: "_", with: " ")).")
        }
        return ids
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { principal in
            let name = try fields.name()
            let description = try fields.string("description") ?? ""
            let environment = try fields.object("environment") ?? [:], labels = try fields.object("labels") ?? [:]
            let secrets = try fields.array("secrets") ?? []
            let specPath = try fields.string("stack_spec_path")
            let id = String.newID()
            try await endpoints.store.pool.write { db in
                if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM stacks WHERE name = ?", arguments: [name]) ?? 0 > 0 {
                    throw ControlPlaneError.alreadyExists("A stack named '\(name)' already exists.")
                }
                let components = try Self.componentIDs(fields, db: db)
                let now = Timestamp.now()
                try db.execute(sql: """
                    INSERT INTO stacks (id, name, description, stack_spec_path, environment, secrets, labels, user_id, created, updated)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [id, name, description, specPath, environment.text, JSONValue.array(secrets).text, labels.text,
                                     principal.userID, now, now])
                for component in components {
                    try db.execute(sql: "INSERT INTO stack_composition (stack_id, component_id) VALUES (?, ?)", arguments: [id, component])
                }
            }
            return try await endpoints.render("stacks", id: id, noun: "stack") { try $0.stack($1, detail: $2) }
        }
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { _ in
            let name = try fields.optionalName("name"), description = try fields.string("description")
            let environment = try fields.object("environment"), labels = try fields.object("labels")
            try await endpoints.store.pool.write { db in
                guard let current = try String.fetchOne(db, sql: "SELECT name FROM stacks WHERE id = ?", arguments: [id]) else {
                    throw ControlPlaneError.notFound("Unable to get stack with ID '\(id)': No stack with this ID found.")
                }
                if current == "default", (name != nil && name != "default") || fields.has("components") {
                    throw ControlPlaneError.forbidden("The default stack cannot be renamed or recomposed.")
                }
                if let name, name != current, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM stacks WHERE name = ?", arguments: [name]) ?? 0 > 0 {
                    throw ControlPlaneError.alreadyExists("A stack named '\(name)' already exists.")
                }
                if fields.has("components") {
                    let components = try Self.componentIDs(fields, db: db)
                    try db.execute(sql: "DELETE FROM stack_composition WHERE stack_id = ?", arguments: [id])
                    for component in components {
                        try db.execute(sql: "INSERT INTO stack_composition (stack_id, component_id) VALUES (?, ?)", arguments: [id, component])
                    }
                }
                try db.execute(sql: """
                    UPDATE stacks SET name = COALESCE(?, name), description = COALESCE(?, description),
                    environment = COALESCE(?, environment), labels = COALESCE(?, labels), updated = ? WHERE id = ?
                    """, arguments: [name, description, environment?.text, labels?.text, Timestamp.now(), id])
            }
            return try await endpoints.render("stacks", id: id, noun: "stack") { try $0.stack($1, detail: $2) }
        }
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { _ in
            try await endpoints.store.pool.write { db in
                guard let name = try String.fetchOne(db, sql: "SELECT name FROM stacks WHERE id = ?", arguments: [id]) else {
                    throw ControlPlaneError.notFound("Unable to get stack with ID '\(id)': No stack with this ID found.")
                }
                if name == "default" { throw ControlPlaneError.forbidden("The default stack cannot be deleted.") }
                try db.execute(sql: "DELETE FROM stacks WHERE id = ?", arguments: [id])
            }
            return nil
        }
    }
}
