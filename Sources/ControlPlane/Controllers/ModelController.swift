import Hummingbird
import Storage

/// `/models`, `/model_versions` and their links to artifact versions and runs: ZenML's
/// model control plane. A pipeline that declares a `Model` gets its version when the run is
/// created (`RunController`); the client links each output itself.
struct ModelController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints
    let models: any ModelRepository

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("models", use: list)
        group.post("models", use: create)
        group.get("models/:id", use: get)
        group.put("models/:id", use: update)
        group.delete("models/:id", use: delete)
        group.get("models/:id/model_versions", use: listVersionsOfModel)
        group.get("model_versions", use: listVersions)
        group.post("model_versions", use: createVersion)
        group.get("model_versions/:id", use: getVersion)
        group.put("model_versions/:id", use: updateVersion)
        group.delete("model_versions/:id", use: deleteVersion)
        group.delete("model_versions/:id/artifacts", use: unlinkAllArtifacts)
        group.delete("model_versions/:id/artifacts/:link", use: unlinkArtifact)
        group.delete("model_versions/:id/runs/:link", use: unlinkRun)
        group.get("model_version_artifacts", use: listArtifactLinks)
        group.post("model_version_artifacts", use: linkArtifact)
        group.get("model_version_pipeline_runs", use: listRunLinks)
        group.post("model_version_pipeline_runs", use: linkRun)
    }

    // MARK: Models

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.list(request, .models) { try $0.model($1, detail: $2) }
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.get(request, context, noun: "model") { try $0.model($1, detail: $2) }
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { principal in
            let id = try await models.createModel(projectID: try fields.requiredString("project"), try ModelFields(fields, nameRequired: true),
                                                  tags: try TagSpec.list(fields.raw("tags"), field: "tags"), userID: principal.userID)
            return try await endpoints.render(id: id, noun: "model") { try $0.model($1, detail: $2) }
        }
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { principal in
            try await models.updateModel(id: id, try ModelFields(fields, nameRequired: false),
                                         addTags: try TagSpec.list(fields.raw("add_tags"), field: "add_tags"),
                                         removeTags: try TagSpec.list(fields.raw("remove_tags"), field: "remove_tags").map(\.name), userID: principal.userID)
            return try await endpoints.render(id: id, noun: "model") { try $0.model($1, detail: $2) }
        }
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.delete(request, context, noun: "model") { [models] in try await models.deleteModel(id: $0) }
    }

    // MARK: Versions

    @Sendable func listVersions(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.list(request, .modelVersions) { try $0.modelVersion($1, detail: $2) }
    }

    @Sendable func listVersionsOfModel(_ request: Request, context: Context) async throws -> Response {
        let model = try context.parameters.require("id")
        return try await endpoints.list(request, .modelVersions, scope: [.versions(ofModel: model)]) { try $0.modelVersion($1, detail: $2) }
    }

    @Sendable func getVersion(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.get(request, context, noun: "model version") { try $0.modelVersion($1, detail: $2) }
    }

    @Sendable func createVersion(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { principal in
            let draft = ModelVersionDraft(projectID: try fields.requiredString("project"), modelID: try fields.requiredUUID("model"), name: try fields.optionalName("name"),
                                          description: try fields.string("description"), tags: try TagSpec.list(fields.raw("tags"), field: "tags"),
                                          producerRunID: nil)
            let id = try await models.createVersion(draft, userID: principal.userID)
            return try await endpoints.render(id: id, noun: "model version") { try $0.modelVersion($1, detail: $2) }
        }
    }

    @Sendable func updateVersion(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { principal in
            let stage = try fields.string("stage").map { $0.lowercased() }
            if let stage, !ModelStage.stored.contains(stage) {
                throw fields.fail("stage", "Input should be one of \(ModelStage.stored.sorted().map { "'\($0)'" }.joined(separator: ", "))")
            }
            let change = ModelVersionChange(stage: stage, force: try fields.bool("force") ?? false, name: try fields.optionalName("name"),
                                            description: try fields.string("description"),
                                            addTags: try TagSpec.list(fields.raw("add_tags"), field: "add_tags"),
                                            removeTags: try TagSpec.list(fields.raw("remove_tags"), field: "remove_tags").map(\.name))
            try await models.updateVersion(id: id, change, userID: principal.userID)
            return try await endpoints.render(id: id, noun: "model version") { try $0.modelVersion($1, detail: $2) }
        }
    }

    @Sendable func deleteVersion(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.delete(request, context, noun: "model version") { [models] in try await models.deleteVersion(id: $0) }
    }

    // MARK: Links

    @Sendable func listArtifactLinks(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.list(request, .modelArtifactLinks) { try $0.modelVersionArtifact($1, detail: $2) }
    }

    @Sendable func listRunLinks(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.list(request, .modelRunLinks) { try $0.modelVersionRun($1, detail: $2) }
    }

    @Sendable func linkArtifact(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { principal in
            let id = try await models.linkArtifact(modelVersionID: try fields.requiredUUID("model_version"),
                                                   artifactVersionID: try fields.requiredUUID("artifact_version"), userID: principal.userID)
            return try await endpoints.render(id: id, noun: "model version artifact link") { try $0.modelVersionArtifact($1, detail: $2) }
        }
    }

    @Sendable func linkRun(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { principal in
            let id = try await models.linkRun(modelVersionID: try fields.requiredUUID("model_version"),
                                              runID: try fields.requiredUUID("pipeline_run"), userID: principal.userID)
            return try await endpoints.render(id: id, noun: "model version run link") { try $0.modelVersionRun($1, detail: $2) }
        }
    }

    @Sendable func unlinkAllArtifacts(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id").lowercased()
        if let onlyLinks = endpoints.queryItems(request).last(where: { $0.0 == "only_links" })?.1, !(try ListQuery.boolean("only_links", onlyLinks)) {
            throw ListQuery.bad("only_links", "Enclave removes the links only; the artifact versions stay (delete them through /artifact_versions)")
        }
        return try await endpoints.write(request, context) { _ in
            try await models.unlinkArtifacts(modelVersionID: id, link: nil)
            return nil
        }
    }

    @Sendable func unlinkArtifact(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id").lowercased(), link = try context.parameters.require("link")
        return try await endpoints.write(request, context) { _ in
            try await models.unlinkArtifacts(modelVersionID: id, link: link)
            return nil
        }
    }

    @Sendable func unlinkRun(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id").lowercased(), link = try context.parameters.require("link")
        return try await endpoints.write(request, context) { _ in
            try await models.unlinkRun(modelVersionID: id, link: link)
            return nil
        }
    }
}
