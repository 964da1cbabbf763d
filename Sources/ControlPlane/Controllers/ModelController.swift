import GRDB
import Hummingbird
import Storage

/// `/models`, `/model_versions` and their links to artifact versions and runs: ZenML's
/// model control plane. A pipeline that declares a `Model` gets its version when the run is
/// created (`RunController`); the client links each output itself.
struct ModelController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints
    let models: any ModelRepository

    static var schema: ResourceSchema {
        ResourceSchema(table: "models", noun: "model", projectScoped: true, fields: [
            "name": ("t.name", .string), "user_id": ("t.user_id", .uuid),
        ], custom: ["tags": TagFilter.rule(.model)])
    }

    static var versionSchema: ResourceSchema {
        let byModel: @Sendable (String) throws -> SQLCondition? = { value in
            SQLCondition(sql: "t.model_id IN (SELECT id FROM models WHERE id = ? OR name = ?)", arguments: [value.lowercased().databaseValue, value.databaseValue])
        }
        return ResourceSchema(table: "model_versions", noun: "model version", projectScoped: true, fields: [
            "name": ("t.name", .string), "number": ("t.number", .int), "stage": ("t.stage", .string), "user_id": ("t.user_id", .uuid),
            "model_id": ("t.model_id", .uuid),
        ], custom: ["model": byModel, "model_name_or_id": byModel, "tags": TagFilter.rule(.modelVersion)])
    }

    static var artifactLinkSchema: ResourceSchema {
        let artifactTypes: (String, String) -> @Sendable (String) throws -> SQLCondition? = { key, types in
            { value in
                try ListQuery.boolean(key, value)
                    ? SQLCondition(sql: "t.artifact_version_id IN (SELECT id FROM artifact_versions WHERE type IN (\(types)))", arguments: []) : nil
            }
        }
        return ResourceSchema(table: "model_version_artifacts", noun: "model version artifact link", projectScoped: false, fields: [
            "model_version_id": ("t.model_version_id", .uuid), "artifact_version_id": ("t.artifact_version_id", .uuid), "user_id": ("t.user_id", .uuid),
        ], custom: [
            "artifact_name": { value in
                let condition = try ListQuery.condition("artifact_name", "a.name", .string, value)
                return SQLCondition(sql: """
                    t.artifact_version_id IN (SELECT v.id FROM artifact_versions v JOIN artifacts a ON a.id = v.artifact_id WHERE \(condition.sql))
                    """, arguments: condition.arguments)
            },
            "has_custom_name": { value in
                SQLCondition(sql: """
                    t.artifact_version_id IN (SELECT v.id FROM artifact_versions v JOIN artifacts a ON a.id = v.artifact_id WHERE a.has_custom_name = ?)
                    """, arguments: [try ListQuery.boolean("has_custom_name", value).databaseValue])
            },
            "only_data_artifacts": artifactTypes("only_data_artifacts", ArtifactKinds.dataSQL),
            "only_model_artifacts": artifactTypes("only_model_artifacts", "'ModelArtifact'"),
            "only_deployment_artifacts": artifactTypes("only_deployment_artifacts", "'ServiceArtifact'"),
        ])
    }

    static var runLinkSchema: ResourceSchema {
        ResourceSchema(table: "model_version_pipeline_runs", noun: "model version run link", projectScoped: false, fields: [
            "model_version_id": ("t.model_version_id", .uuid), "pipeline_run_id": ("t.pipeline_run_id", .uuid), "user_id": ("t.user_id", .uuid),
        ], custom: [
            "pipeline_run_name": { value in
                let condition = try ListQuery.condition("pipeline_run_name", "r.name", .string, value)
                return SQLCondition(sql: "t.pipeline_run_id IN (SELECT r.id FROM pipeline_runs r WHERE \(condition.sql))", arguments: condition.arguments)
            },
        ])
    }

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
        try await endpoints.list(request, Self.schema) { try $0.model($1, detail: $2) }
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.get(request, context, table: "models", noun: "model") { try $0.model($1, detail: $2) }
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { principal in
            let id = try await models.createModel(projectID: try fields.requiredString("project"), try ModelFields(fields, nameRequired: true),
                                                  tags: try TagSpec.list(fields.raw("tags"), field: "tags"), userID: principal.userID)
            return try await endpoints.render("models", id: id, noun: "model") { try $0.model($1, detail: $2) }
        }
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { principal in
            try await models.updateModel(id: id, try ModelFields(fields, nameRequired: false),
                                         addTags: try TagSpec.list(fields.raw("add_tags"), field: "add_tags"),
                                         removeTags: try TagSpec.list(fields.raw("remove_tags"), field: "remove_tags").map(\.name), userID: principal.userID)
            return try await endpoints.render("models", id: id, noun: "model") { try $0.model($1, detail: $2) }
        }
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.delete(request, context, noun: "model") { [models] in try await models.deleteModel(id: $0) }
    }

    // MARK: Versions

    @Sendable func listVersions(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.list(request, Self.versionSchema) { try $0.modelVersion($1, detail: $2) }
    }

    @Sendable func listVersionsOfModel(_ request: Request, context: Context) async throws -> Response {
        let model = try context.parameters.require("id")
        let scope = SQLCondition(sql: "t.model_id IN (SELECT id FROM models WHERE id = ? OR name = ?)",
                                 arguments: [model.lowercased().databaseValue, model.databaseValue])
        return try await endpoints.list(request, Self.versionSchema, scope: [scope]) { try $0.modelVersion($1, detail: $2) }
    }

    @Sendable func getVersion(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.get(request, context, table: "model_versions", noun: "model version") { try $0.modelVersion($1, detail: $2) }
    }

    @Sendable func createVersion(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { principal in
            let draft = ModelVersionDraft(projectID: try fields.requiredString("project"), modelID: try fields.requiredUUID("model"), name: try fields.optionalName("name"),
                                          description: try fields.string("description"), tags: try TagSpec.list(fields.raw("tags"), field: "tags"),
                                          producerRunID: nil)
            let id = try await models.createVersion(draft, userID: principal.userID)
            return try await endpoints.render("model_versions", id: id, noun: "model version") { try $0.modelVersion($1, detail: $2) }
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
            return try await endpoints.render("model_versions", id: id, noun: "model version") { try $0.modelVersion($1, detail: $2) }
        }
    }

    @Sendable func deleteVersion(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.delete(request, context, noun: "model version") { [models] in try await models.deleteVersion(id: $0) }
    }

    // MARK: Links

    @Sendable func listArtifactLinks(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.list(request, Self.artifactLinkSchema) { try $0.modelVersionArtifact($1, detail: $2) }
    }

    @Sendable func listRunLinks(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.list(request, Self.runLinkSchema) { try $0.modelVersionRun($1, detail: $2) }
    }

    @Sendable func linkArtifact(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { principal in
            let id = try await models.linkArtifact(modelVersionID: try fields.requiredUUID("model_version"),
                                                   artifactVersionID: try fields.requiredUUID("artifact_version"), userID: principal.userID)
            return try await endpoints.render("model_version_artifacts", id: id, noun: "model version artifact link") { try $0.modelVersionArtifact($1, detail: $2) }
        }
    }

    @Sendable func linkRun(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { principal in
            let id = try await models.linkRun(modelVersionID: try fields.requiredUUID("model_version"),
                                              runID: try fields.requiredUUID("pipeline_run"), userID: principal.userID)
            return try await endpoints.render("model_version_pipeline_runs", id: id, noun: "model version run link") { try $0.modelVersionRun($1, detail: $2) }
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

/// ZenML's artifact types grouped as its model-version views group them.
enum ArtifactKinds {
    /// Types that count as data (not the model, not a deployment).
    static let dataSQL = "'DataAnalysisArtifact', 'DataArtifact', 'SchemaArtifact', 'StatisticsArtifact', 'BaseArtifact'"
}
