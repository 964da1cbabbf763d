import GRDB
import Hummingbird
import Storage

/// `/steps`: step runs. Their `config` and `spec` come from the snapshot, by step name;
/// inputs and outputs link artifact versions (lineage); every change re-derives the
/// run's status. The client's cache lookup is a list by `cache_key` + `status`.
struct StepRunController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints

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
            let runID = try fields.requiredUUID("pipeline_run_id"), name = try fields.name()
            guard let status = try fields.choice("status", from: RunStatus.all) else { throw fields.fail("status", "Field required") }
            let inputs = try fields.uuidListMap("inputs"), outputs = try fields.uuidListMap("outputs")
            let parents = try fields.array("parent_step_ids").map { items in
                try items.map { item -> String in
                    guard let s = item.stringValue?.lowercased(), s.count == 36 else { throw fields.fail("parent_step_ids", "Input should be a valid UUID") }
                    return s
                }
            }
            let dynamicConfig = try fields.object("dynamic_config")
            let values: [DatabaseValue] = ([
                status, try fields.time("start_time"), try fields.time("end_time"), try fields.string("cache_key"),
                try fields.time("cache_expires_at"), try fields.string("code_hash"), try fields.string("docstring"),
                try fields.string("source_code"), try fields.uuid("original_step_run_id"), try fields.object("exception_info")?.text,
            ] as [DatabaseValueConvertible?]).map { $0?.databaseValue ?? .null }
            let logsID = try fields.uuid("logs")
            let id = String.newID()
            try await endpoints.store.pool.write { db in
                guard let run = try Row.fetchOne(db, sql: "SELECT r.project_id, r.snapshot_id, r.config, s.step_configurations FROM pipeline_runs r LEFT JOIN pipeline_snapshots s ON s.id = r.snapshot_id WHERE r.id = ?",
                                                 arguments: [runID]) else {
                    throw ControlPlaneError.notFound("Unable to get pipeline run with ID '\(runID)': No pipeline run with this ID found.")
                }
                let stepConfiguration = JSONValue.parseStored(run["step_configurations"])[name] ?? dynamicConfig
                guard let stepConfiguration, var config = stepConfiguration["config"], let spec = stepConfiguration["spec"] else {
                    throw ControlPlaneError.invalid("Step '\(name)' is not part of the snapshot of run '\(runID)'.")
                }
                let runSubstitutions = JSONValue.parseStored(run["config"])["substitutions"]
                var substitutions = runSubstitutions?.objectValue ?? [:]
                for (key, value) in config["substitutions"]?.objectValue ?? [:] { substitutions[key] = value }
                config["substitutions"] = .object(substitutions)
                try StepRetries.supersede(step: name, inRun: runID, db: db)
                let now = Timestamp.now()
                try Self.insertAttempt(StatementArguments([id, run["project_id"] as String, runID, name].map(\.databaseValue) + values
                    + ([run["snapshot_id"] as String?, config.text, spec.text, principal.userID, now, now] as [DatabaseValueConvertible?]).map { $0?.databaseValue ?? .null }),
                    runID: runID, name: name, db: db)
                // The client sends `parent_step_ids: []`; the real server then takes the spec's upstream steps.
                let sent = parents ?? []
                let parentIDs = sent.isEmpty ? try Self.upstreamStepIDs(spec: spec, runID: runID, db: db) : sent
                for parent in parentIDs {
                    try db.execute(sql: "INSERT INTO step_run_parents (step_run_id, parent_id) VALUES (?, ?) ON CONFLICT DO NOTHING", arguments: [id, parent])
                }
                try Self.link(inputs, to: id, direction: "input", db: db)
                try Self.link(outputs, to: id, direction: "output", db: db)
                if status != "cached" { try Self.claimProduction(of: outputs, by: id, db: db) }
                try Self.cascadeTags(runID: runID, to: outputs, userID: principal.userID, db: db)
                if let modelVersion = try ModelRecords.versionForRun(config: config, projectID: run["project_id"], runID: runID,
                                                                     userID: principal.userID, db: db) {
                    try db.execute(sql: "UPDATE step_runs SET model_version_id = ? WHERE id = ?", arguments: [modelVersion, id])
                    try ModelRecords.attachRun(runID, to: modelVersion, userID: principal.userID, db: db)
                }
                if let logsID {
                    try db.execute(sql: "UPDATE logs SET step_run_id = ?, updated = ? WHERE id = ?", arguments: [id, now, logsID])
                }
                try RunLifecycle.refresh(runID: runID, db: db)
            }
            return try await endpoints.render("step_runs", id: id, noun: "step run") { try $0.step($1, detail: $2) }
        }
    }

    /// Inserts a step with the next attempt number of its name in its run, computed in the
    /// same statement; another writer's attempt taking that number first makes it try again.
    static func insertAttempt(_ arguments: StatementArguments, runID: String, name: String, db: GRDB.Database) throws {
        for _ in 0..<8 {
            do {
                try db.inSavepoint {
                    try db.execute(sql: """
                        INSERT INTO step_runs (id, project_id, pipeline_run_id, name, status, start_time, end_time, cache_key, cache_expires_at,
                        code_hash, docstring, source_code, original_step_run_id, exception_info, snapshot_id, config, spec, user_id, created, updated, version)
                        SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE(MAX(version), 0) + 1
                        FROM step_runs WHERE pipeline_run_id = ? AND name = ?
                        """, arguments: arguments + [runID, name])
                    return .commit
                }
                return
            } catch where ConstraintViolation.duplicateColumns(error)?.contains("version") == true {
                continue
            }
        }
        throw ControlPlaneError.stateConflict("Too many attempts of step '\(name)' are being recorded at once; try again.")
    }

    /// The ids of the latest attempts of the steps named in `spec.upstream_steps`.
    static func upstreamStepIDs(spec: JSONValue, runID: String, db: GRDB.Database) throws -> [String] {
        try (spec["upstream_steps"]?.arrayValue ?? []).compactMap(\.stringValue).compactMap { upstream in
            try String.fetchOne(db, sql: "SELECT id FROM step_runs WHERE pipeline_run_id = ? AND name = ? ORDER BY version DESC LIMIT 1",
                                arguments: [runID, upstream])
        }
    }

    /// Records `{name: [artifact version ids]}` as a step's inputs or outputs.
    static func link(_ entries: [(String, [String])], to stepID: String, direction: String, db: GRDB.Database) throws {
        for (name, ids) in entries {
            try db.execute(sql: "DELETE FROM step_run_artifacts WHERE step_run_id = ? AND direction = ? AND name = ?", arguments: [stepID, direction, name])
            for (position, versionID) in ids.enumerated() {
                guard let saveType = try String.fetchOne(db, sql: "SELECT save_type FROM artifact_versions WHERE id = ?", arguments: [versionID]) else {
                    throw ControlPlaneError.notFound("Unable to get artifact version with ID '\(versionID)': No artifact version with this ID found.")
                }
                let inputType: String? = direction == "input" ? (saveType == "step_output" ? "step_output" : "external") : nil
                try db.execute(sql: """
                    INSERT INTO step_run_artifacts (step_run_id, artifact_version_id, direction, name, position, input_type) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [stepID, versionID, direction, name, position, inputType])
            }
        }
    }

    /// The run's tags marked `cascade` go to every artifact version its steps output, as in ZenML.
    static func cascadeTags(runID: String, to outputs: [(String, [String])], userID: String?, db: GRDB.Database) throws {
        guard !outputs.isEmpty, let stored = try String.fetchOne(db, sql: "SELECT config FROM pipeline_runs WHERE id = ?", arguments: [runID]) else { return }
        let cascading = (try? TagSpec.list(JSONValue.parseStored(stored)["tags"], field: "tags"))?.filter(\.cascade) ?? []
        guard !cascading.isEmpty else { return }
        try TagLinks.attach(cascading, to: outputs.flatMap { $0.1.map { (TaggableResource.artifactVersion, $0) } }, userID: userID, db: db)
    }

    /// A step that really ran is the producer of the outputs it reports (not a cached copy).
    static func claimProduction(of outputs: [(String, [String])], by stepID: String, db: GRDB.Database) throws {
        for (_, ids) in outputs {
            for versionID in ids {
                try db.execute(sql: "UPDATE artifact_versions SET producer_step_run_id = ? WHERE id = ? AND producer_step_run_id IS NULL",
                               arguments: [stepID, versionID])
            }
        }
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { principal in
            let status = try fields.choice("status", from: RunStatus.all)
            let outputs = try fields.uuidListMap("outputs")
            let endTime = try fields.time("end_time"), exception = try fields.object("exception_info")
            try await endpoints.store.pool.write { db in
                let row = try WireRenderer(db: db).row("step_runs", id: id, noun: "step run")
                let current: String = (try row.decode(forColumn: "status"))
                if var status, status != current {
                    if RunStatus.isFinished(current) {
                        throw ControlPlaneError.forbidden("Step run '\(id)' has finished with status '\(current)'; it cannot become '\(status)'.")
                    }
                    // A failed attempt with retries left is `retrying` (ZenML's rule): the run goes on.
                    if status == "failed", StepRetries.left(config: try row.decode(String?.self, forColumn: "config"),
                                                            attempt: try row.decode(Int.self, forColumn: "version")) {
                        status = "retrying"
                    }
                    try db.execute(sql: "UPDATE step_runs SET status = ? WHERE id = ?", arguments: [status, id])
                }
                try Self.link(outputs, to: id, direction: "output", db: db)
                if (status ?? current) != "cached" { try Self.claimProduction(of: outputs, by: id, db: db) }
                try Self.cascadeTags(runID: try row.decode(forColumn: "pipeline_run_id"), to: outputs, userID: principal.userID, db: db)
                try db.execute(sql: "UPDATE step_runs SET end_time = COALESCE(?, end_time), exception_info = COALESCE(?, exception_info), updated = ? WHERE id = ?",
                               arguments: [endTime, exception?.text, Timestamp.now(), id])
                try RunLifecycle.refresh(runID: (try row.decode(forColumn: "pipeline_run_id")), db: db)
            }
            return try await endpoints.render("step_runs", id: id, noun: "step run") { try $0.step($1, detail: $2) }
        }
    }
}
