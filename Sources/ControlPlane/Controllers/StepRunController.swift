import Hummingbird
import Storage

/// `/steps`: step runs. Their `config` and `spec` come from the snapshot, by step name;
/// inputs and outputs link artifact versions (lineage); every change re-derives the
/// run's status. The client's cache lookup is a list by `cache_key` + `status`.
struct StepRunController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints
    let runs: any RunRepository

    static var schema: ResourceSchema {
        ResourceSchema(table: "step_runs", noun: "step run", projectScoped: true, fields: [
            "name": ("t.name", .string), "status": ("t.status", .string), "cache_key": ("t.cache_key", .string),
            "code_hash": ("t.code_hash", .string), "pipeline_run_id": ("t.pipeline_run_id", .uuid),
            "snapshot_id": ("t.snapshot_id", .uuid), "original_step_run_id": ("t.original_step_run_id", .uuid),
            "start_time": ("t.start_time", .datetime), "end_time": ("t.end_time", .datetime),
            "cache_expires_at": ("t.cache_expires_at", .datetime), "version": ("t.version", .int), "user_id": ("t.user_id", .uuid),
        ], custom: [
            "exclude_retried": { value in
                try ListQuery.boolean("exclude_retried", value) ? SQLCondition(sql: "t.status != 'retried'", arguments: []) : nil
            },
            "model_version_id": { value in try ListQuery.condition("model_version_id", "t.model_version_id", .uuid, value) },
            "model": ModelFilter.versionOwnedBy("t.model_version_id"),
            "cache_expired": { value in
                let now = Timestamp.now().databaseValue
                return try ListQuery.boolean("cache_expired", value)
                    ? SQLCondition(sql: "t.cache_expires_at IS NOT NULL AND t.cache_expires_at <= ?", arguments: [now])
                    : SQLCondition(sql: "(t.cache_expires_at IS NULL OR t.cache_expires_at > ?)", arguments: [now])
            },
        ])
    }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("steps", use: list)
        group.post("steps", use: create)
        group.get("steps/:id", use: get)
        group.put("steps/:id", use: update)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.list(request, Self.schema) { try $0.step($1, detail: $2) }
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.get(request, context, table: "step_runs", noun: "step run") { try $0.step($1, detail: $2) }
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
            return try await endpoints.render("step_runs", id: id, noun: "step run") { try $0.step($1, detail: $2) }
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
            return try await endpoints.render("step_runs", id: id, noun: "step run") { try $0.step($1, detail: $2) }
        }
    }
}
