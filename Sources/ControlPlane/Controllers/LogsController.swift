import Hummingbird
import Storage

/// `/logs`: where the client wrote a run's or step's log file. The client picks the id
/// itself and links the record to its run or step later.
struct LogsController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints
    let logs: any LogsRepository

    static var sources: Set<String> { ["client", "step", "prepare_step", "orchestrator", "hook", "execution_environment", "deployment"] }

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("logs", use: create)
        group.get("logs/:id", use: get)
        group.put("logs/:id", use: update)
        group.get("code_repositories", use: listCodeRepositories)
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.get(request, context, noun: "logs") { try $0.logs($1, detail: $2) }
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { principal in
            let id = try fields.uuid("id") ?? String.newID()
            let project = try fields.requiredString("project")
            guard let source = try fields.string("source") else { throw fields.fail("source", "Field required") }
            guard EntityName.problem(with: source) == nil else { throw fields.fail("source", "Invalid source") }
            try await logs.create(LogsDraft(
                id: id, project: project, uri: try fields.string("uri"), source: source, stepRunID: try fields.uuid("step_run_id"),
                pipelineRunID: try fields.uuid("pipeline_run_id"), artifactStoreID: try fields.uuid("artifact_store_id"),
                logStoreID: try fields.uuid("log_store_id"), hookInvocationID: try fields.uuid("hook_invocation_id"), userID: principal.userID))
            return try await endpoints.render(id: id, noun: "logs") { try $0.logs($1, detail: $2) }
        }
    }

    /// Links logs to a run or step (fields not sent stay as they are).
    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { _ in
            try await logs.link(id: id, pipelineRunID: try fields.uuid("pipeline_run_id"), stepRunID: try fields.uuid("step_run_id"),
                                hookInvocationID: try fields.uuid("hook_invocation_id"))
            return try await endpoints.render(id: id, noun: "logs") { try $0.logs($1, detail: $2) }
        }
    }

    /// Enclave keeps no code repositories (sites without network have none to reach),
    /// so the list is always empty; paging and filters are still validated.
    @Sendable func listCodeRepositories(_ request: Request, context: Context) async throws -> Response {
        let schema = ResourceSchema(table: "code_repositories", noun: "code repository", projectScoped: true, fields: ["name": ("t.name", .string)])
        let query = try ListQuery(endpoints.queryItems(request), schema: schema)
        return ZenMLResponse.json(query.page(items: [], total: 0))
    }
}
