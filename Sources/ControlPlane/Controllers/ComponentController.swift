import Hummingbird

/// `/components` and `/flavors`: stack components (an orchestrator, an artifact store…)
/// of a known flavor, and the flavor catalogue the client imports them from.
struct ComponentController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints
    let stacks: any StackRepository

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
        try await endpoints.list(request, .stackComponents) { try $0.component($1, detail: $2) }
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.get(request, context, noun: "stack component") { try $0.component($1, detail: $2) }
    }

    @Sendable func listFlavors(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.list(request, .flavors) { try $0.flavor($1, detail: $2) }
    }

    @Sendable func getFlavor(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.get(request, context, noun: "flavor") { try $0.flavor($1, detail: $2) }
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { principal in
            let name = try fields.name()
            guard let type = try fields.choice("type", from: StackComposition.types) else { throw fields.fail("type", "Field required") }
            let component = ComponentFields(name: name, type: type, flavor: try fields.requiredString("flavor"),
                                            configuration: try fields.object("configuration"), environment: try fields.object("environment"),
                                            secrets: try fields.array("secrets"), labels: try fields.object("labels"),
                                            connectorResourceID: try fields.string("connector_resource_id"))
            let id = try await stacks.createComponent(component, userID: principal.userID)
            return try await endpoints.render(id: id, noun: "stack component") { try $0.component($1, detail: $2) }
        }
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let id = try context.parameters.require("id")
        return try await endpoints.write(request, context) { _ in
            let change = ComponentFields(name: try fields.optionalName("name"), configuration: try fields.object("configuration"),
                                         environment: try fields.object("environment"), labels: try fields.object("labels"))
            try await stacks.updateComponent(id: id.lowercased(), change)
            return try await endpoints.render(id: id, noun: "stack component") { try $0.component($1, detail: $2) }
        }
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { _ in
            try await stacks.deleteComponent(id: id)
            return nil
        }
    }
}
