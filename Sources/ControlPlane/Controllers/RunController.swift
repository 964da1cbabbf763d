import Hummingbird
import Storage

/// `/runs`: pipeline runs. `POST` is get-or-create and answers `[run, created]`; the
/// orchestrator's run replaces the client's placeholder; the status follows the steps.
/// A run triggered from the server that is set to `stopping` (`zenml pipeline runs stop`)
/// leaves the agents' queue, or its agent ends its runner, and it is then `stopped`.
struct RunController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints
    let runs: any RunRepository
    var snapshotRuns: SnapshotRuns?

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("runs", use: list)
        group.post("runs", use: create)
        group.get("runs/:id", use: get)
        group.put("runs/:id", use: update)
        group.delete("runs/:id", use: delete)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.list(request, .pipelineRuns) { try $0.run($1, detail: $2) }
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.get(request, context, noun: "pipeline run") { try $0.run($1, detail: $2) }
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { principal in
            var environment = try fields.object("orchestrator_environment") ?? [:]
            environment["python_packages"] = nil
            let draft = RunDraft(
                project: try fields.requiredString("project"), name: try fields.name(), snapshotID: try fields.requiredUUID("snapshot"),
                orchestratorRunID: try fields.string("orchestrator_run_id"),
                status: try fields.choice("status", from: RunStatus.all) ?? "initializing",
                startTime: try fields.time("start_time") ?? Timestamp.now(), endTime: try fields.time("end_time"),
                orchestratorEnvironment: environment, triggerInfo: try fields.object("trigger_info"),
                exceptionInfo: try fields.object("exception_info"), statusReason: try fields.string("status_reason"),
                logsID: try fields.uuid("logs"), tags: try TagSpec.list(fields.raw("tags"), field: "tags"), userID: principal.userID)
            let (id, created) = try await runs.createRun(draft)
            let run = try await endpoints.render(id: id, noun: "pipeline run") { try $0.run($1, detail: $2) }
            return [run, .bool(created)]
        }
    }

    /// Partial update; a run that has finished keeps its status, whatever is sent.
    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { principal in
            let change = RunChange(
                status: try fields.choice("status", from: RunStatus.all), setsStatusReason: fields.has("status_reason"),
                statusReason: try fields.string("status_reason"), endTime: try fields.time("end_time"),
                orchestratorRunID: try fields.string("orchestrator_run_id"), exceptionInfo: try fields.object("exception_info"),
                tags: try ResourceTagChange(fields))
            try await runs.updateRun(id: id, change, userID: principal.userID)
            if change.status == "stopping", let snapshotRuns { _ = try await snapshotRuns.stop(runID: id, by: principal.name) }
            return try await endpoints.render(id: id, noun: "pipeline run") { try $0.run($1, detail: $2) }
        }
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { _ in
            try await runs.deleteRun(id: id)
            return nil
        }
    }
}
