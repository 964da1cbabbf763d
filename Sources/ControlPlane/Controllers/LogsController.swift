import GRDB
import Hummingbird
import Storage

/// `/logs`: where the client wrote a run's or step's log file. The client picks the id
/// itself and links the record to its run or step later.
struct LogsController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints

    static var sources: Set<String> { ["client", "step", "prepare_step", "orchestrator", "hook", "execution_environment", "deployment"] }

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("logs", use: create)
        group.get("logs/:id", use: get)
        group.put("logs/:id", use: update)
        group.get("code_repositories", use: listCodeRepositories)
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.get(request, context, table: "logs", noun: "logs") { try $0.logs($1, detail: $2) }
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { principal in
            let id = try fields.uuid("id") ?? String.newID()
            let project = try fields.requiredString("project")
            guard let source = try fields.string("source") else { throw fields.fail("source", "Field required") }
            guard EntityName.problem(with: source) == nil else { throw fields.fail("source", "Invalid source") }
            let values: [DatabaseValue] = ([
                try fields.string("uri"), source, try fields.uuid("step_run_id"), try fields.uuid("pipeline_run_id"),
                try fields.uuid("artifact_store_id"), try fields.uuid("log_store_id"), try fields.uuid("hook_invocation_id"),
            ] as [DatabaseValueConvertible?]).map { $0?.databaseValue ?? .null }
            try await endpoints.store.pool.write { db in
                let projectID = try ProjectLookup.id(of: project, db: db)
                let now = Timestamp.now()
                do {
                    try db.execute(sql: """
                        INSERT INTO logs (id, project_id, uri, source, step_run_id, pipeline_run_id, artifact_store_id, log_store_id, hook_invocation_id, user_id, created, updated)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: StatementArguments([id, projectID].map(\.databaseValue) + values + [principal.userID, now, now].map(\.databaseValue)))
                } catch where ConstraintViolation(error) == .duplicate(table: "logs") {
                    throw ControlPlaneError.alreadyExists("Logs with ID '\(id)' already exist.")
                }
            }
            return try await endpoints.render("logs", id: id, noun: "logs") { try $0.logs($1, detail: $2) }
        }
    }

    /// Links logs to a run or step (fields not sent stay as they are).
    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { _ in
            let runID = try fields.uuid("pipeline_run_id"), stepID = try fields.uuid("step_run_id")
            let hookID = try fields.uuid("hook_invocation_id")
            try await endpoints.store.pool.write { db in
                _ = try WireRenderer(db: db).row("logs", id: id, noun: "logs")
                try db.execute(sql: """
                    UPDATE logs SET pipeline_run_id = COALESCE(?, pipeline_run_id), step_run_id = COALESCE(?, step_run_id),
                    hook_invocation_id = COALESCE(?, hook_invocation_id), updated = ? WHERE id = ?
                    """, arguments: [runID, stepID, hookID, Timestamp.now(), id])
            }
            return try await endpoints.render("logs", id: id, noun: "logs") { try $0.logs($1, detail: $2) }
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
