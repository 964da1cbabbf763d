import Hummingbird
import Storage

/// `/tags` and `/tag_resources`: global tags with a colour and an exclusive flag, and their
/// links to runs, pipelines, snapshots, artifacts, artifact versions, models and model
/// versions. `add_tags`/`remove_tags` in the client come through here.
struct TagController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints
    let tags: any TagRepository

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("tags", use: list)
        group.post("tags", use: create)
        group.get("tags/:id", use: get)
        group.put("tags/:id", use: update)
        group.delete("tags/:id", use: delete)
        group.post("tag_resources", use: linkOne)
        group.delete("tag_resources", use: unlinkOne)
        group.post("tag_resources/batch", use: linkMany)
        group.delete("tag_resources/batch", use: unlinkMany)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.list(request, .tags) { try $0.tag($1, detail: $2) }
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.get(request, context, noun: "tag") { try $0.tag($1, detail: $2) }
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { principal in
            guard let spec = try TagSpec.list(.array([try tagObject(fields)]), field: "name").first else { throw fields.fail("name", "Field required") }
            let id = try await tags.create(spec, userID: principal.userID)
            return try await endpoints.render(id: id, noun: "tag") { try $0.tag($1, detail: $2) }
        }
    }

    /// The request body as the tag object `TagSpec.list` reads.
    func tagObject(_ fields: RequestFields) throws -> JSONValue {
        ["name": .string(try fields.requiredString("name")), "color": .optional(try fields.string("color")),
         "exclusive": .optional(try fields.bool("exclusive"))]
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { _ in
            let color = try fields.string("color")
            if let color, !TagSpec.colors.contains(color) { throw fields.fail("color", "Input should be one of \(TagSpec.colors.joined(separator: ", "))") }
            let name = try fields.string("name").map { try TagSpec.checked($0, "name") }
            try await tags.update(id: id, TagChange(name: name, color: color, exclusive: try fields.bool("exclusive")))
            return try await endpoints.render(id: id, noun: "tag") { try $0.tag($1, detail: $2) }
        }
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.delete(request, context, noun: "tag") { [tags] in try await tags.delete(id: $0) }
    }

    @Sendable func linkOne(_ request: Request, context: Context) async throws -> Response {
        let body = try await endpoints.body(request, context)
        return try await endpoints.write(request, context) { _ in
            let ids = try await tags.link([try Self.link(body)])
            return try await endpoints.renderAll(ids: ids, noun: "tag resource") { renderer, record, _ in
                try renderer.tagResource(record)
            }.arrayValue?.first ?? .null
        }
    }

    @Sendable func linkMany(_ request: Request, context: Context) async throws -> Response {
        let links = try Self.links(try await endpoints.body(request, context))
        return try await endpoints.write(request, context) { _ in
            let ids = try await tags.link(links)
            return try await endpoints.renderAll(ids: ids, noun: "tag resource") { renderer, record, _ in
                try renderer.tagResource(record)
            }
        }
    }

    @Sendable func unlinkOne(_ request: Request, context: Context) async throws -> Response {
        let body = try await endpoints.body(request, context)
        return try await endpoints.write(request, context) { _ in
            try await tags.unlink([try Self.link(body)])
            return nil
        }
    }

    @Sendable func unlinkMany(_ request: Request, context: Context) async throws -> Response {
        let links = try Self.links(try await endpoints.body(request, context))
        return try await endpoints.write(request, context) { _ in
            try await tags.unlink(links)
            return nil
        }
    }

    /// A list of `{tag_id, resource_id, resource_type}` objects, at most 1000.
    static func links(_ body: JSONValue) throws -> [TagResourceLink] {
        guard let items = body.arrayValue else { throw ControlPlaneError.validation("Request body must be a JSON list of tag resources.") }
        guard items.count <= 1000 else { throw ControlPlaneError.validation("At most 1000 tag resources per batch.") }
        return try items.map(link)
    }

    /// One `{tag_id, resource_id, resource_type}` object.
    static func link(_ body: JSONValue) throws -> TagResourceLink {
        let fields = try RequestFields(body)
        let type = try fields.requiredString("resource_type")
        guard let kind = TaggableResource(rawValue: type) else {
            throw fields.fail("resource_type", "Input should be one of \(TaggableResource.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))")
        }
        return TagResourceLink(tagID: try fields.requiredUUID("tag_id"), resourceID: try fields.requiredUUID("resource_id"), kind: kind)
    }
}
