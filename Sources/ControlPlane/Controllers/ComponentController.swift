import GRDB
import Hummingbird
import Storage

/// `/components` and `/flavors`: stack components (an orchestrator, an artifact store…)
/// of a known flavor, and the flavor catalogue the client imports them from.
struct ComponentController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints

    /// Every component type ZenML 0.98.0 knows.
    static var types: Set<String> { ["alerter", "annotator", "artifact_store", "container_registry", "data_validator",
                                     "experiment_tracker", "feature_store", "image_builder", "model_deployer", "orchestrator",
                                     "step_operator", "model_registry", "deployer", "log_store", "sandbox"] }

    static var schema: ResourceSchema {
        ResourceSchema(table: "stack_components", noun: "stack component", projectScoped: false, fields: [
            "name": ("t.name", .string), "type": ("t.type", .string), "flavor": ("t.flavor", .string),
            "user_id": ("t.user_id", .uuid), "connector_resource_id": ("t.connector_resource_id", .string),
        ], custom: [
            "scope_type": { value in SQLCondition(sql: "t.type = ?", arguments: [value.databaseValue]) },
            "stack_id": { value in
                SQLCondition(sql: "t.id IN (SELECT component_id FROM stack_composition WHERE stack_id = ?)", arguments: [value.lowercased().databaseValue])
            },
        ])
    }

    static var flavorSchema: ResourceSchema {
        ResourceSchema(table: "flavors", noun: "flavor", projectScoped: false, fields: [
            "name": ("t.name", .string), "type": ("t.type", .string), "integration": ("t.integration", .string),
            "user_id": ("t.user_id", .uuid),
        ])
    }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("components", use: list)
        group.post("components", use: create)
        group.get("components/:id", use: get)
        group.put("components/:id", use: update)
        group.delete("components/:id", use: delete)
        group.get("flavors", use: listFlavors)
        group.get("flavors/:id", use: getFlavor)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.list(request, Self.schema) { try $0.component($1, detail: $2) }
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.get(request, context, table: "stack_components", noun: "stack component") { try $0.component($1, detail: $2) }
    }

    @Sendable func listFlavors(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.list(request, Self.flavorSchema) { try $0.flavor($1, detail: $2) }
    }

    @Sendable func getFlavor(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.get(request, context, table: "flavors", noun: "flavor") { try $0.flavor($1, detail: $2) }
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { principal in
            let name = try fields.name()
            guard let type = try fields.choice("type", from: Self.types) else { throw fields.fail("type", "Field required") }
            let flavor = try fields.requiredString("flavor")
            let configuration = try fields.object("configuration") ?? [:]
            let environment = try fields.object("environment") ?? [:]
            let secrets = try fields.array("secrets") ?? []
            let labels = try fields.object("labels")
            let connectorResource = try fields.string("connector_resource_id")
            let id = String.newID()
            try await endpoints.store.pool.write { db in
                guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM flavors WHERE name = ? AND type = ?", arguments: [flavor, type]) ?? 0 > 0 else {
                    throw ControlPlaneError.notFound("Flavor '\(flavor)' for stack component type '\(type)' does not exist.")
                }
                if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM stack_components WHERE name = ? AND type = ?", arguments: [name, type]) ?? 0 > 0 {
                    throw ControlPlaneError.alreadyExists("A \(type) named '\(name)' already exists.")
                }
                let now = Timestamp.now()
                try db.execute(sql: """
                    INSERT INTO stack_components (id, name, type, flavor, configuration, environment, secrets, labels, connector_resource_id, user_id, created, updated)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [id, name, type, flavor, configuration.text, environment.text, JSONValue.array(secrets).text,
                                     labels?.text, connectorResource, principal.userID, now, now])
            }
            return try await endpoints.render("stack_components", id: id, noun: "stack component") { try $0.component($1, detail: $2) }
        }
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let id = try context.parameters.require("id")
        return try await endpoints.write(request, context) { _ in
            let name = try fields.optionalName("name")
            let configuration = try fields.object("configuration"), environment = try fields.object("environment")
            let labels = try fields.object("labels")
            try await endpoints.store.pool.write { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT name, type FROM stack_components WHERE id = ?", arguments: [id.lowercased()]) else {
                    throw ControlPlaneError.notFound("Unable to get stack component with ID '\(id)': No stack component with this ID found.")
                }
                if let name, name != (try row.decode(String.self, forColumn: "name")) {
                    if (try row.decode(forColumn: "name")) == "default" { throw ControlPlaneError.forbidden("The default stack components cannot be renamed.") }
                    if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM stack_components WHERE name = ? AND type = ?", arguments: [name, (try row.decode(DatabaseValue.self, forColumn: "type"))]) ?? 0 > 0 {
                        throw ControlPlaneError.alreadyExists("A \(try row.decode(String.self, forColumn: "type")) named '\(name)' already exists.")
                    }
                }
                try db.execute(sql: """
                    UPDATE stack_components SET name = COALESCE(?, name), configuration = COALESCE(?, configuration),
                    environment = COALESCE(?, environment), labels = COALESCE(?, labels), updated = ? WHERE id = ?
                    """, arguments: [name, configuration?.text, environment?.text, labels?.text, Timestamp.now(), id.lowercased()])
            }
            return try await endpoints.render("stack_components", id: id, noun: "stack component") { try $0.component($1, detail: $2) }
        }
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { _ in
            try await endpoints.store.pool.write { db in
                guard let name = try String.fetchOne(db, sql: "SELECT name FROM stack_components WHERE id = ?", arguments: [id]) else {
                    throw ControlPlaneError.notFound("Unable to get stack component with ID '\(id)': No stack component with this ID found.")
                }
                if name == "default" { throw ControlPlaneError.forbidden("The default stack components cannot be deleted.") }
                if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM stack_composition WHERE component_id = ?", arguments: [id]) ?? 0 > 0 {
                    throw ControlPlaneError.forbidden("Stack component '\(name)' is part of a stack; remove it from the stack first.")
                }
                try db.execute(sql: "DELETE FROM stack_components WHERE id = ?", arguments: [id])
            }
            return nil
        }
    }
}
