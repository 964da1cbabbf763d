import Hummingbird

/// `/hook_invocations`: what the client reports after running a step's or a run's hook
/// (`on_failure`, `on_success`, start/end, pause/resume, custom), listable per run and
/// step, with the logs the hook wrote.
struct HookInvocationController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints
    let invocations: any HookInvocationRepository

    static var hookTypes: Set<String> {
        ["run_start", "run_success", "run_failure", "run_end", "run_pause", "run_resume", "step_start", "step_end", "step_success",
         "step_failure", "custom"]
    }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("hook_invocations", use: list)
        group.post("hook_invocations", use: create)
        group.get("hook_invocations/:id", use: get)
        group.delete("hook_invocations/:id", use: delete)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.list(request, .hookInvocations) { try $0.hookInvocation($1, detail: $2) }
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.get(request, context, noun: "hook invocation") { try $0.hookInvocation($1, detail: $2) }
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { principal in
            guard let hookType = try fields.choice("hook_type", from: Self.hookTypes) else { throw fields.fail("hook_type", "Field required") }
            guard let status = try fields.choice("status", from: RunStatus.all) else { throw fields.fail("status", "Field required") }
            guard let start = try fields.time("start_time") else { throw fields.fail("start_time", "Field required") }
            let draft = HookInvocationDraft(
                id: try fields.uuid("id") ?? String.newID(), project: try fields.requiredString("project"),
                pipelineRunID: try fields.requiredUUID("pipeline_run_id"), stepRunID: try fields.uuid("step_run_id"),
                hookType: hookType, name: try fields.string("name"), status: status, startTime: start, endTime: try fields.time("end_time"),
                source: try fields.string("source"), exceptionInfo: try fields.object("exception_info"),
                outputs: try fields.object("outputs") ?? [:], logsID: try fields.uuid("logs_id"), userID: principal.userID)
            try await invocations.create(draft)
            return try await endpoints.render(id: draft.id, noun: "hook invocation") { try $0.hookInvocation($1, detail: $2) }
        }
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.delete(request, context, noun: "hook invocation") { [invocations] in try await invocations.delete(id: $0) }
    }
}
