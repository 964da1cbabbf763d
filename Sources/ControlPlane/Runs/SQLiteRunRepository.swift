import GRDB
import Storage

/// `RunRepository` on the control plane's tables, over any GRDB writer: the server's
/// WAL pool, or an in-memory queue (the tests run the API over both).
struct SQLiteRunRepository: RunRepository {
    let writer: any DatabaseWriter

    func createRun(_ draft: RunDraft) async throws -> (id: String, created: Bool) {
        try await writer.guardedWrite { db -> (String, Bool) in
            let projectID = try ProjectLookup.id(of: draft.project, db: db)
            guard let snapshot = try Row.fetchOne(db, sql: "SELECT * FROM pipeline_snapshots WHERE id = ? AND project_id = ?",
                                                  arguments: [draft.snapshotID, projectID]) else {
                throw ControlPlaneError.notFound("Unable to get snapshot with ID '\(draft.snapshotID)': No snapshot with this ID found.")
            }
            if let orchestratorRunID = draft.orchestratorRunID {
                if let existing = try Self.run(snapshotID: draft.snapshotID, orchestratorRunID: orchestratorRunID, db: db) { return (existing, false) }
                if let placeholder = try Self.claimPlaceholder(for: draft, orchestratorRunID: orchestratorRunID, db: db) { return placeholder }
            }
            var config = JSONValue.parseStored(snapshot["pipeline_configuration"])
            config["substitutions"] = RunLifecycle.substitutions(start: draft.startTime, configured: config["substitutions"])
            let id = String.newID(), now = Timestamp.now()
            let values: [DatabaseValueConvertible?] = [
                id, projectID, draft.name, snapshot["pipeline_id"] as String?, draft.snapshotID, snapshot["stack_id"] as String?,
                draft.userID, draft.status, draft.statusReason, draft.orchestratorRunID, draft.startTime, config.text,
                snapshot["client_environment"] as String?, draft.orchestratorEnvironment.text, draft.triggerInfo?.text,
                draft.exceptionInfo?.text, now, now,
            ]
            switch try Self.insertNumbered(values, db: db) {
            case .inserted: break
            case .nameTaken:
                // Two reports of one orchestrator run carry one name; the second is not a new run.
                if let orchestratorRunID = draft.orchestratorRunID,
                   let existing = try Self.run(snapshotID: draft.snapshotID, orchestratorRunID: orchestratorRunID, db: db) {
                    return (existing, false)
                }
                throw ControlPlaneError.alreadyExists("Unable to create pipeline run: a pipeline run named '\(draft.name)' already exists.")
            case .orchestratorRunTaken:
                if let orchestratorRunID = draft.orchestratorRunID,
                   let existing = try Self.run(snapshotID: draft.snapshotID, orchestratorRunID: orchestratorRunID, db: db) {
                    return (existing, false)
                }
                throw ControlPlaneError.alreadyExists("Unable to create pipeline run: its orchestrator run is already recorded.")
            }
            if RunStatus.isFinished(draft.status) { try RunLifecycle.setStatus(runID: id, status: draft.status, endTime: draft.endTime, db: db) }
            try Self.attachLogs(draft.logsID, runID: id, db: db)
            try TagLinks.attach(draft.tags, to: [(.pipelineRun, id)], userID: draft.userID, db: db)
            if let version = try SQLiteModelStatements.versionForRun(config: config, projectID: projectID, runID: id, userID: draft.userID, db: db) {
                try SQLiteModelStatements.attachRun(id, to: version, userID: draft.userID, db: db)
            }
            return (id, true)
        }
    }

    /// The snapshot's oldest placeholder run (made by the client before the orchestrator
    /// started) becomes the orchestrator's run. The unique (snapshot, orchestrator run id)
    /// key decides between writers claiming at once: the loser answers the winner's run.
    static func claimPlaceholder(for draft: RunDraft, orchestratorRunID: String, db: GRDB.Database) throws -> (String, Bool)? {
        guard let placeholderID = try String.fetchOne(db, sql: """
            SELECT id FROM pipeline_runs WHERE snapshot_id = ? AND orchestrator_run_id IS NULL AND status = 'initializing'
            ORDER BY created LIMIT 1
            """, arguments: [draft.snapshotID]) else { return nil }
        do {
            try db.inSavepoint {
                try db.execute(sql: """
                    UPDATE pipeline_runs SET orchestrator_run_id = ?, orchestrator_environment = ?, updated = ?
                    WHERE id = ? AND orchestrator_run_id IS NULL
                    """, arguments: [orchestratorRunID, draft.orchestratorEnvironment.text, Timestamp.now(), placeholderID])
                return .commit
            }
        } catch where ConstraintViolation.duplicateColumns(error)?.contains("orchestrator_run_id") == true {
            if let existing = try run(snapshotID: draft.snapshotID, orchestratorRunID: orchestratorRunID, db: db) { return (existing, false) }
            throw error
        }
        if draft.status != "initializing" { try RunLifecycle.setStatus(runID: placeholderID, status: draft.status, endTime: nil, db: db) }
        try attachLogs(draft.logsID, runID: placeholderID, db: db)
        try TagLinks.attach(draft.tags, to: [(.pipelineRun, placeholderID)], userID: draft.userID, db: db)
        try RunLifecycle.refresh(runID: placeholderID, db: db)
        return (placeholderID, true)
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

    func updateRun(id: String, _ change: RunChange, userID: String?) async throws {
        try await writer.guardedWrite { db in
            guard let current = try String.fetchOne(db, sql: "SELECT status FROM pipeline_runs WHERE id = ?", arguments: [id]) else {
                throw Self.missing(id)
            }
            if let status = change.status, !RunStatus.isFinished(current), status != current {
                try RunLifecycle.setStatus(runID: id, status: status, endTime: change.endTime, db: db)
                if change.setsStatusReason {
                    try db.execute(sql: "UPDATE pipeline_runs SET status_reason = ? WHERE id = ?", arguments: [change.statusReason, id])
                }
            }
            try db.execute(sql: """
                UPDATE pipeline_runs SET orchestrator_run_id = COALESCE(orchestrator_run_id, ?), exception_info = COALESCE(?, exception_info),
                updated = ? WHERE id = ?
                """, arguments: [change.orchestratorRunID, change.exceptionInfo?.text, Timestamp.now(), id])
            try TagLinks.apply(change.tags, kind: .pipelineRun, id: id, userID: userID, db: db)
        }
    }

    func deleteRun(id: String) async throws {
        try await writer.guardedWrite { db in
            guard try Self.deleteRuns(where: "id = ?", id, db: db) > 0 else { throw Self.missing(id) }
        }
    }

    /// Deletes the runs matching `condition` with their steps and logs; artifact versions
    /// stay (they may be used elsewhere), as in ZenML. Answers how many runs went.
    @discardableResult
    static func deleteRuns(where condition: String, _ argument: String, db: GRDB.Database) throws -> Int {
        let runs = try String.fetchAll(db, sql: "SELECT id FROM pipeline_runs WHERE \(condition)", arguments: [argument])
        for run in runs {
            try db.execute(sql: "DELETE FROM logs WHERE pipeline_run_id = ? OR step_run_id IN (SELECT id FROM step_runs WHERE pipeline_run_id = ?)", arguments: [run, run])
            try db.execute(sql: "UPDATE artifact_versions SET producer_step_run_id = NULL WHERE producer_step_run_id IN (SELECT id FROM step_runs WHERE pipeline_run_id = ?)", arguments: [run])
            try db.execute(sql: "DELETE FROM step_runs WHERE pipeline_run_id = ?", arguments: [run])
            try TagLinks.forget(.pipelineRun, ids: [run], db: db)
            try db.execute(sql: "DELETE FROM pipeline_runs WHERE id = ?", arguments: [run])
        }
        return runs.count
    }
}
