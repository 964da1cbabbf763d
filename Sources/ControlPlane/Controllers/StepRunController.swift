import Hummingbird
import Storage

/// `/steps`: step runs. Their `config` and `spec` come from the snapshot, by step name;
/// inputs and outputs link artifact versions (lineage); every change re-derives the
/// run's status. The client's cache lookup is a list by `cache_key` + `status`.
struct StepRunController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints
    let runs: any RunRepository

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("steps", use: list)
        group.post("steps", use: create)
        group.get("steps/:id", use: get)
        group.put("steps/:id", use: update)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.list(request, .stepRuns) { try $0.step($1, detail: $2) }
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.get(request, context, noun: "step run") { try $0.step($1, detail: $2) }
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { principal in
            guard let status = try fields.choice("status", from: RunStatus.all) else { throw fields.fail("status", "Field required") }
            let parents = try (fields.array("parent_step_ids") ?? []).map { item -> String in
                guard let s = item.stringValue?.lowercased(), s.count == 36 else { throw fields.fail("parent_step_ids", "Input should be a valid UUID") }
                return s
            }
            let draft = StepRunDraft(
                runID: try fields.requiredUUID("pipeline_run_id"), name: try fields.name(), status: status,
                startTime: try fields.time("start_time"), endTime: try fields.time("end_time"), cacheKey: try fields.string("cache_key"),
                cacheExpiresAt: try fields.time("cache_expires_at"), codeHash: try fields.string("code_hash"),
                docstring: try fields.string("docstring"), sourceCode: try fields.string("source_code"),
                originalStepRunID: try fields.uuid("original_step_run_id"), exceptionInfo: try fields.object("exception_info"),
                dynamicConfig: try fields.object("dynamic_config"), parentIDs: parents,
                inputs: try fields.uuidListMap("inputs"), outputs: try fields.uuidListMap("outputs"),
                logsID: try fields.uuid("logs"), userID: principal.userID)
            let id = try await runs.createStep(draft)
            return try await endpoints.render(id: id, noun: "step run") { try $0.step($1, detail: $2) }
        }
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { principal in
            let change = StepRunChange(status: try fields.choice("status", from: RunStatus.all), outputs: try fields.uuidListMap("outputs"),
                                       endTime: try fields.time("end_time"), exceptionInfo: try fields.object("exception_info"),
                                       userID: principal.userID)
            try await runs.updateStep(id: id, change)
            return try await endpoints.render(id: id, noun: "step run") { try $0.step($1, detail: $2) }
        }
    }
}
