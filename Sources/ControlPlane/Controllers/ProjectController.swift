import Hummingbird

/// `/projects`: the namespaces pipelines, runs and artifacts live in. Paths take a
/// name or an id; project `default` always exists.
struct ProjectController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints
    let projects: any ProjectRepository

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("projects", use: list)
        group.post("projects", use: create)
        group.get("projects/:id", use: get)
        group.put("projects/:id", use: update)
        group.delete("projects/:id", use: delete)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.list(request, .projects) { try $0.project($1, detail: $2) }
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("id")
        let detail = Detail.of(hydrate: try endpoints.hydrate(request))
        let id = try await projects.id(of: key)
        return ZenMLResponse.json(try await endpoints.render(id: id, noun: "project", detail: detail) { renderer, record, detail in
            try renderer.project(record, detail: detail)
        })
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { _ in
            let name = try fields.name()
            let id = try await projects.create(name: name, displayName: try fields.optionalName("display_name") ?? name,
                                               description: try fields.string("description") ?? "")
            return try await endpoints.render(id: id, noun: "project") { try $0.project($1, detail: $2) }
        }
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let key = try context.parameters.require("id")
        return try await endpoints.write(request, context) { _ in
            let id = try await projects.update(key, name: try fields.optionalName("name"), displayName: try fields.optionalName("display_name"),
                                               description: try fields.string("description"))
            return try await endpoints.render(id: id, noun: "project") { try $0.project($1, detail: $2) }
        }
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let key = try context.parameters.require("id")
        return try await endpoints.write(request, context) { _ in
            try await projects.delete(key)
            return nil
        }
    }
}
