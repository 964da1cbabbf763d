import GRDB
import Hummingbird
import Storage

/// `/runs`: pipeline runs. `POST` is get-or-create and answers `[run, created]`; the
/// orchestrator's run replaces the client's placeholder; the status follows the steps.
struct RunController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints

    static var schema: ResourceSchema {
        ResourceSchema(table: "pipeline_runs", noun: "pipeline run", projectScoped: true, fields: [
            "name": ("t.name", .string), "index": ("t.run_index", .int), "orchestrator_run_id": ("t.orchestrator_run_id", .string),
            "pipeline_id": ("t.pipeline_id", .uuid), "stack_id": ("t.stack_id", .uuid), "snapshot_id": ("t.snapshot_id", .uuid),
            "status": ("t.status", .string), "start_time": ("t.start_time", .datetime), "end_time": ("t.end_time", .datetime),
            "user_id": ("t.user_id", .uuid),
        ], custom: [
            "pipeline_name": { value in
                let condition = try ListQuery.condition("pipeline_name", "p.name", .string, value)
                return SQLCondition(sql: "t.pipeline_id IN (SELECT p.id FROM pipelines p WHERE \(condition.sql))", arguments: condition.arguments)
            },
            "pipeline": { value in
                SQLCondition(sql: "t.pipeline_id IN (SELECT id FROM pipelines WHERE id = ? OR name = ?)", arguments: [value.lowercased().databaseValue, value.databaseValue])
            },
            "stack": { value in
                SQLCondition(sql: "t.stack_id IN (SELECT id FROM stacks WHERE id = ? OR name = ?)", arguments: [value.lowercased().databaseValue, value.databaseValue])
            },
            "in_progress": { value in
                let finished = RunStatus.finished.sorted().map { "'\($0)'" }.joined(separator: ",")
                return SQLCondition(sql: "t.status \(try ListQuery.boolean("in_progress", value) ? "NOT " : "")IN (\(finished))", arguments: [])
            },
            "tags": TagFilter.rule(.pipelineRun),
            "model_version_id": { value in try ListQuery.condition("model_version_id", "t.model_version_id", .uuid, value) },
            "linked_to_model_version_id": { value in
                let condition = try ListQuery.condition("linked_to_model_version_id", "m.model_version_id", .uuid, value)
                return SQLCondition(sql: "t.id IN (SELECT m.pipeline_run_id FROM model_version_pipeline_runs m WHERE \(condition.sql))", arguments: condition.arguments)
            },
            "model": ModelFilter.versionOwnedBy("t.model_version_id"),
            // Enclave records no child runs (`parent_run` is always null), so every run is a root run.
            "root_runs_only": { value in _ = try ListQuery.boolean("root_runs_only", value); return nil },
        ], rendering: ["include_full_metadata"])
    }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("runs", use: list)
        group.post("runs", use: create)
        group.get("runs/:id", use: get)
        group.put("runs/:id", use: update)
        group.delete("runs/:id", use: delete)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.list(request, Self.schema) { try $0.run($1, detail: $2) }
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.get(request, context, table: "pipeline_runs", noun: "pipeline run") { try $0.run($1, detail: $2) }
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { principal in
            let project = try fields.requiredString("project"), name = try fields.name()
            let snapshotID = try fields.requiredUUID("snapshot")
            let orchestratorRunID = try fields.string("orchestrator_run_id")
            let status = try fields.choice("status", from: RunStatus.all) ?? "initializing"
            let start = try fields.time("start_time") ?? Timestamp.now()
            var sentEnvironment = try fields.object("orchestrator_environment") ?? [:]
            sentEnvironment["python_packages"] = nil
            let environment = sentEnvironment
            let triggerInfo = try fields.object("trigger_info"), exception = try fields.object("exception_info")
            let statusReason = try fields.string("status_reason"), logsID = try fields.uuid("logs")
            let tags = try TagSpec.list(fields.raw("tags"), field: "tags")
            let (id, created) = try await endpoints.store.pool.write { db -> (String, Bool) in
                let projectID = try ProjectLookup.id(of: project, db: db)
                guard let snapshot = try Row.fetchOne(db, sql: "SELECT * FROM pipeline_snapshots WHERE id = ? AND project_id = ?", arguments: [snapshotID, projectID]) else {
                    throw ControlPlaneError.notFound("Unable to get snapshot with ID '\(snapshotID)': No snapshot with this ID found.")
                }
                let now = Timestamp.now()
                if let orchestratorRunID {
                    if let existing = try Self.run(snapshotID: snapshotID, orchestratorRunID: orchestratorRunID, db: db) { return (existing, false) }
                    if let placeholderID = try String.fetchOne(db, sql: """
                        SELECT id FROM pipeline_runs WHERE snapshot_id = ? AND orchestrator_run_id IS NULL AND status = 'initializing'
                        ORDER BY created LIMIT 1
                        """, arguments: [snapshotID]) {
                        // The unique (snapshot, orchestrator run id) key decides between writers claiming at once.
                        do {
                            try db.inSavepoint {
                                try db.execute(sql: """
                                    UPDATE pipeline_runs SET orchestrator_run_id = ?, orchestrator_environment = ?, updated = ?
                                    WHERE id = ? AND orchestrator_run_id IS NULL
                                    """, arguments: [orchestratorRunID, environment.text, now, placeholderID])
                                return .commit
                            }
                        } catch where ConstraintViolation.duplicateColumns(error)?.contains("orchestrator_run_id") == true {
                            if let existing = try Self.run(snapshotID: snapshotID, orchestratorRunID: orchestratorRunID, db: db) { return (existing, false) }
                            throw error
                        }
                        if status != "initializing" { try RunLifecycle.setStatus(runID: placeholderID, status: status, endTime: nil, db: db) }
                        try Self.attachLogs(logsID, runID: placeholderID, db: db)
                        try TagLinks.attach(tags, to: [(.pipelineRun, placeholderID)], userID: principal.userID, db: db)
                        try RunLifecycle.refresh(runID: placeholderID, db: db)
                        return (placeholderID, true)
                    }
                }
                var config = JSONValue.parseStored(snapshot["pipeline_configuration"])
                config["substitutions"] = RunLifecycle.substitutions(start: start, configured: config["substitutions"])
                let id = String.newID()
                let values: [DatabaseValueConvertible?] = [id, projectID, name, snapshot["pipeline_id"] as String?, snapshotID, snapshot["stack_id"] as String?,
                                                           principal.userID, status, statusReason, orchestratorRunID, start, config.text,
                                                           snapshot["client_environment"] as String?, environment.text, triggerInfo?.text, exception?.text, now, now]
                switch try Self.insertNumbered(values, db: db) {
                case .inserted: break
                case .nameTaken:
                    throw ControlPlaneError.alreadyExists("Unable to create pipeline run: a pipeline run named '\(name)' already exists.")
                case .orchestratorRunTaken:
                    if let orchestratorRunID, let existing = try Self.run(snapshotID: snapshotID, orchestratorRunID: orchestratorRunID, db: db) {
                        return (existing, false)
                    }
                    throw ControlPlaneError.alreadyExists("Unable to create pipeline run: its orchestrator run is already recorded.")
                }
                if RunStatus.isFinished(status) { try RunLifecycle.setStatus(runID: id, status: status, endTime: try fields.time("end_time"), db: db) }
                try Self.attachLogs(logsID, runID: id, db: db)
                try TagLinks.attach(tags, to: [(.pipelineRun, id)], userID: principal.userID, db: db)
                if let version = try ModelRecords.versionForRun(config: config, projectID: projectID, runID: id, userID: principal.userID, db: db) {
                    try ModelRecords.attachRun(id, to: version, userID: principal.userID, db: db)
                }
                return (id, true)
            }
            let run = try await endpoints.render("pipeline_runs", id: id, noun: "pipeline run") { try $0.run($1, detail: $2) }
            return [run, .bool(created)]
        }
    }

    /// The run an orchestrator run id names within a snapshot.
    static func run(snapshotID: String, orchestratorRunID: String, db: GRDB.Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT id FROM pipeline_runs WHERE snapshot_id = ? AND orchestrator_run_id = ?",
                            arguments: [snapshotID, orchestratorRunID])
    }

    /// What inserting a run found.
    enum NumberedInsert { case inserted, nameTaken, orchestratorRunTaken }

    /// Inserts a run with the next index of its pipeline, computed in the same statement;
    /// when another writer took that index first, the unique index refuses and this tries
    /// again with the next one. A taken name or orchestrator run is reported, not retried.
    static func insertNumbered(_ values: [DatabaseValueConvertible?], db: GRDB.Database) throws -> NumberedInsert {
        // values: id, project, name, pipeline, snapshot, stack, user, status, reason, orchestrator run, start,
        // config, client env, orchestrator env, trigger, exception, created, updated.
        let pipelineID = values[3], projectID = values[1]
        for _ in 0..<8 {
            do {
                try db.inSavepoint {
                    try db.execute(sql: """
                        INSERT INTO pipeline_runs (id, project_id, name, pipeline_id, snapshot_id, stack_id, user_id, status, status_reason,
                        orchestrator_run_id, start_time, config, client_environment, orchestrator_environment, trigger_info, exception_info,
                        created, updated, run_index)
                        SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE(MAX(run_index), 0) + 1
                        FROM pipeline_runs WHERE project_id = ? AND (pipeline_id = ? OR (pipeline_id IS NULL AND ? IS NULL))
                        """, arguments: StatementArguments(values + [projectID, pipelineID, pipelineID]))
                    return .commit
                }
                return .inserted
            } catch {
                guard let columns = ConstraintViolation.duplicateColumns(error) else { throw error }
                if columns.contains("run_index") { continue }
                if columns.contains("orchestrator_run_id") { return .orchestratorRunTaken }
                if columns.contains("name") { return .nameTaken }
                throw error
            }
        }
        throw ControlPlaneError.stateConflict("Too many runs of this pipeline are being created at once; try again.")
    }

    static func attachLogs(_ logsID: String?, runID: String, db: GRDB.Database) throws {
        guard let logsID else { return }
        try db.execute(sql: "UPDATE logs SET pipeline_run_id = ?, updated = ? WHERE id = ?", arguments: [runID, Timestamp.now(), logsID])
    }

    /// Partial update; a run that has finished keeps its status, whatever is sent.
    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { principal in
            let status = try fields.choice("status", from: RunStatus.all), reason = try fields.string("status_reason")
            let endTime = try fields.time("end_time"), orchestratorRunID = try fields.string("orchestrator_run_id")
            let exception = try fields.object("exception_info")
            try await endpoints.store.pool.write { db in
                let current: String = try WireRenderer(db: db).row("pipeline_runs", id: id, noun: "pipeline run")["status"]
                if let status, !RunStatus.isFinished(current), status != current {
                    try RunLifecycle.setStatus(runID: id, status: status, endTime: endTime, db: db)
                    if fields.has("status_reason") {
                        try db.execute(sql: "UPDATE pipeline_runs SET status_reason = ? WHERE id = ?", arguments: [reason, id])
                    }
                }
                try db.execute(sql: """
                    UPDATE pipeline_runs SET orchestrator_run_id = COALESCE(orchestrator_run_id, ?), exception_info = COALESCE(?, exception_info),
                    updated = ? WHERE id = ?
                    """, arguments: [orchestratorRunID, exception?.text, Timestamp.now(), id])
                try TagLinks.apply(fields, kind: .pipelineRun, id: id, userID: principal.userID, db: db)
            }
            return try await endpoints.render("pipeline_runs", id: id, noun: "pipeline run") { try $0.run($1, detail: $2) }
        }
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { _ in
            try await endpoints.store.pool.write { db in
                _ = try WireRenderer(db: db).row("pipeline_runs", id: id, noun: "pipeline run")
                try Self.deleteRuns(where: "id = ?", id, db: db)
            }
            return nil
        }
    }

    /// Deletes the runs matching `condition` with their steps and logs; artifact
    /// versions stay (they may be used elsewhere), as in ZenML.
    static func deleteRuns(where condition: String, _ argument: String, db: GRDB.Database) throws {
        let runs = try String.fetchAll(db, sql: "SELECT id FROM pipeline_runs WHERE \(condition)", arguments: [argument])
        for run in runs {
            try db.execute(sql: "DELETE FROM logs WHERE pipeline_run_id = ? OR step_run_id IN (SELECT id FROM step_runs WHERE pipeline_run_id = ?)", arguments: [run, run])
            try db.execute(sql: "UPDATE artifact_versions SET producer_step_run_id = NULL WHERE producer_step_run_id IN (SELECT id FROM step_runs WHERE pipeline_run_id = ?)", arguments: [run])
            try db.execute(sql: "DELETE FROM step_runs WHERE pipeline_run_id = ?", arguments: [run])
            try TagLinks.forget(.pipelineRun, ids: [run], db: db)
            try db.execute(sql: "DELETE FROM pipeline_runs WHERE id = ?", arguments: [run])
        }
    }
}
