import Hummingbird
import Storage

/// `/pipelines` and `/pipeline_snapshots`: a pipeline is a name in a project; a
/// snapshot is one compiled version of it, whose configuration the client sends as
/// opaque JSON and later runs its steps from, so it is returned as sent.
struct PipelineController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints
    let pipelines: any PipelineRepository

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("pipelines", use: list)
        group.post("pipelines", use: create)
        group.get("pipelines/:id", use: get)
        group.put("pipelines/:id", use: update)
        group.delete("pipelines/:id", use: delete)
        group.get("pipeline_snapshots", use: listSnapshots)
        group.post("pipeline_snapshots", use: createSnapshot)
        group.get("pipeline_snapshots/:id", use: getSnapshot)
        group.delete("pipeline_snapshots/:id", use: deleteSnapshot)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.list(request, .pipelines) { try $0.pipeline($1, detail: $2) }
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.get(request, context, noun: "pipeline") { try $0.pipeline($1, detail: $2) }
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { principal in
            let draft = PipelineDraft(project: try fields.requiredString("project"), name: try fields.name(),
                                      description: try fields.string("description"),
                                      tags: try TagSpec.list(fields.raw("tags"), field: "tags"), userID: principal.userID)
            let id = try await pipelines.createPipeline(draft)
            return try await endpoints.render(id: id, noun: "pipeline") { try $0.pipeline($1, detail: $2) }
        }
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { principal in
            try await pipelines.updatePipeline(id: id, description: try fields.string("description"), tags: try ResourceTagChange(fields),
                                               userID: principal.userID)
            return try await endpoints.render(id: id, noun: "pipeline") { try $0.pipeline($1, detail: $2) }
        }
    }

    /// Deletes a pipeline with its snapshots and runs (their steps and links go with them).
    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { _ in
            try await pipelines.deletePipeline(id: id)
            return nil
        }
    }

    @Sendable func listSnapshots(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.list(request, .pipelineSnapshots) { try $0.snapshot($1, detail: $2) }
    }

    @Sendable func getSnapshot(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.get(request, context, noun: "snapshot") { try $0.snapshot($1, detail: $2) }
    }

    @Sendable func createSnapshot(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { principal in
            let project = try fields.requiredString("project")
            let template = try fields.requiredString("run_name_template")
            guard let configuration = try fields.object("pipeline_configuration") else { throw fields.fail("pipeline_configuration", "Field required") }
            var environment = try fields.object("client_environment") ?? [:]
            environment["python_packages"] = nil
            let draft = SnapshotDraft(
                project: project, pipelineID: try fields.uuid("pipeline"), stackID: try fields.uuid("stack"), name: try fields.optionalName("name"),
                description: try fields.string("description"), runNameTemplate: template, pipelineConfiguration: configuration,
                stepConfigurations: try fields.object("step_configurations") ?? [:], pipelineSpec: try fields.object("pipeline_spec"),
                clientEnvironment: environment, clientVersion: try fields.string("client_version"),
                serverVersion: try fields.string("server_version"), pipelineVersionHash: try fields.string("pipeline_version_hash"),
                sourceCode: try fields.string("source_code"), codePath: try fields.string("code_path"),
                isDynamic: try fields.bool("is_dynamic") ?? false, tags: try TagSpec.list(fields.raw("tags"), field: "tags"),
                userID: principal.userID, replace: try fields.bool("replace") ?? false)
            let id = try await pipelines.createSnapshot(draft)
            return try await endpoints.render(id: id, noun: "snapshot") { try $0.snapshot($1, detail: $2) }
        }
    }

    @Sendable func deleteSnapshot(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { _ in
            try await pipelines.deleteSnapshot(id: id)
            return nil
        }
    }
}
