import Hummingbird

/// `/stacks`: named sets of components, one per type, with an orchestrator and an
/// artifact store always. Stack `default` cannot be changed away or deleted.
struct StackController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints
    let stacks: any StackRepository

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("stacks", use: list)
        group.post("stacks", use: create)
        group.get("stacks/:id", use: get)
        group.put("stacks/:id", use: update)
        group.delete("stacks/:id", use: delete)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.list(request, .stacks) { try $0.stack($1, detail: $2) }
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.get(request, context, noun: "stack") { try $0.stack($1, detail: $2) }
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { principal in
            let stack = StackFields(name: try fields.name(), description: try fields.string("description"),
                                    environment: try fields.object("environment"), labels: try fields.object("labels"),
                                    secrets: try fields.array("secrets"), specPath: try fields.string("stack_spec_path"),
                                    components: try StackComposition.components(fields))
            let id = try await stacks.createStack(stack, userID: principal.userID)
            return try await endpoints.render(id: id, noun: "stack") { try $0.stack($1, detail: $2) }
        }
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { _ in
            let change = StackFields(name: try fields.optionalName("name"), description: try fields.string("description"),
                                     environment: try fields.object("environment"), labels: try fields.object("labels"),
                                     components: fields.has("components") ? try StackComposition.components(fields) : nil)
            try await stacks.updateStack(id: id, change)
            return try await endpoints.render(id: id, noun: "stack") { try $0.stack($1, detail: $2) }
        }
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { _ in
            try await stacks.deleteStack(id: id)
            return nil
        }
    }
}
