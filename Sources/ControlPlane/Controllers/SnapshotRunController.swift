import Hummingbird
import Storage

/// `POST /pipeline_snapshots/{id}/runs`: ZenML's "run this snapshot from the server",
/// answered with the queued placeholder run (see `SnapshotRuns`).
struct SnapshotRunController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints
    let snapshotRuns: SnapshotRuns

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("pipeline_snapshots/:id/runs", use: run)
        group.post("runs/:id/replay", use: replay)
    }

    @Sendable func replay(_ request: Request, context: Context) async throws -> Response {
        let body = try await endpoints.body(request, context)
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { principal in
            let runID = try await snapshotRuns.replay(runID: id, configuration: body.isNull ? nil : body, userID: principal.userID)
            return try await endpoints.render(id: runID, noun: "pipeline run") { try $0.run($1, detail: $2) }
        }
    }

    @Sendable func run(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let id = try context.parameters.require("id").lowercased()
        let configuration = fields.raw("run_configuration")
        let stepRun = try fields.uuid("step_run")
        return try await endpoints.write(request, context) { principal in
            let runID = try await snapshotRuns.run(snapshotID: id, runConfiguration: configuration, stepRun: stepRun, userID: principal.userID)
            return try await endpoints.render(id: runID, noun: "pipeline run") { try $0.run($1, detail: $2) }
        }
    }
}
