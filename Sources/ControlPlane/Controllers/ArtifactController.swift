import Hummingbird
import Storage

/// `/artifacts` and `/artifact_versions`. An artifact is a name in a project, made on
/// first use; each version gets the next number of its artifact ("1", "2", …). The
/// bytes stay in the client's artifact store: the server keeps only URIs.
struct ArtifactController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints
    let artifacts: any ArtifactRepository

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("artifacts", use: list)
        group.get("artifacts/:id", use: get)
        group.put("artifacts/:id", use: update)
        group.delete("artifacts/:id", use: delete)
        group.get("artifact_versions", use: listVersions)
        group.post("artifact_versions", use: createVersion)
        group.post("artifact_versions/batch", use: createVersions)
        group.get("artifact_versions/:id", use: getVersion)
        group.put("artifact_versions/:id", use: updateVersion)
        group.delete("artifact_versions/:id", use: deleteVersion)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.list(request, .artifacts) { try $0.artifact($1, detail: $2) }
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.get(request, context, noun: "artifact") { try $0.artifact($1, detail: $2) }
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { principal in
            try await artifacts.updateArtifact(id: id, name: try fields.optionalName("name"), hasCustomName: try fields.bool("has_custom_name"),
                                               tags: try ResourceTagChange(fields), userID: principal.userID)
            return try await endpoints.render(id: id, noun: "artifact") { try $0.artifact($1, detail: $2) }
        }
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { _ in
            try await artifacts.deleteArtifact(id: id)
            return nil
        }
    }

    @Sendable func listVersions(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.list(request, .artifactVersions) { try $0.artifactVersion($1, detail: $2) }
    }

    @Sendable func getVersion(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.get(request, context, noun: "artifact version") { try $0.artifactVersion($1, detail: $2) }
    }

    @Sendable func createVersion(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { principal in
            let draft = try ArtifactVersionDraft(fields)
            guard let id = try await artifacts.createVersions([draft], userID: principal.userID).first else {
                throw ControlPlaneError.invalid("The artifact version was not recorded.")
            }
            return try await endpoints.render(id: id, noun: "artifact version") { try $0.artifactVersion($1, detail: $2) }
        }
    }

    /// Creates every version of the list in one transaction: all or none.
    @Sendable func createVersions(_ request: Request, context: Context) async throws -> Response {
        let body = try await endpoints.body(request, context)
        guard let items = body.arrayValue else { throw ControlPlaneError.validation("Request body must be a JSON list of artifact versions.") }
        guard items.count <= 1000 else { throw ControlPlaneError.validation("At most 1000 artifact versions per batch.") }
        return try await endpoints.write(request, context) { principal in
            let drafts = try items.map { try ArtifactVersionDraft(try RequestFields($0)) }
            let ids = try await artifacts.createVersions(drafts, userID: principal.userID)
            return try await endpoints.renderAll(ids: ids, noun: "artifact version") { try $0.artifactVersion($1, detail: $2) }
        }
    }

    @Sendable func deleteVersion(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { _ in
            try await artifacts.deleteVersion(id: id)
            return nil
        }
    }

    /// `add_tags`/`remove_tags` on one version (ZenML's update also renames the version's
    /// artifact, which Enclave leaves to `PUT /artifacts`).
    @Sendable func updateVersion(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { principal in
            if try fields.string("name") != nil { throw fields.fail("name", "Rename the artifact through PUT /artifacts/{id}") }
            try await artifacts.updateVersion(id: id, tags: try ResourceTagChange(fields), userID: principal.userID)
            return try await endpoints.render(id: id, noun: "artifact version") { try $0.artifactVersion($1, detail: $2) }
        }
    }
}
