import GRDB
import Storage

/// Step runs: their `config` and `spec` come from the run's snapshot by step name; inputs
/// and outputs link artifact versions (lineage); every change re-derives the run's status.
extension SQLiteRunRepository {
    func createStep(_ draft: StepRunDraft) async throws -> String {
        let id = String.newID()
        try await writer.guardedWrite { db in
            guard let run = try Row.fetchOne(db, sql: """
                SELECT r.project_id, r.snapshot_id, r.config, s.step_configurations FROM pipeline_runs r
                LEFT JOIN pipeline_snapshots s ON s.id = r.snapshot_id WHERE r.id = ?
                """, arguments: [draft.runID]) else {
                throw Self.missing(draft.runID)
            }
            let stepConfiguration = JSONValue.parseStored(run["step_configurations"])[draft.name] ?? draft.dynamicConfig
            guard let stepConfiguration, var config = stepConfiguration["config"], let spec = stepConfiguration["spec"] else {
                throw ControlPlaneError.invalid("Step '\(draft.name)' is not part of the snapshot of run '\(draft.runID)'.")
            }
            var substitutions = JSONValue.parseStored(run["config"])["substitutions"]?.objectValue ?? [:]
            for (key, value) in config["substitutions"]?.objectValue ?? [:] { substitutions[key] = value }
            config["substitutions"] = .object(substitutions)
            let projectID: String = try run.decode(forColumn: "project_id")
            try StepRetries.supersede(step: draft.name, inRun: draft.runID, db: db)
            let now = Timestamp.now()
            let values: [DatabaseValueConvertible?] = [
                id, projectID, draft.runID, draft.name, draft.status, draft.startTime, draft.endTime, draft.cacheKey, draft.cacheExpiresAt,
                draft.codeHash, draft.docstring, draft.sourceCode, draft.originalStepRunID, draft.exceptionInfo?.text,
                run["snapshot_id"] as String?, config.text, spec.text, draft.userID, now, now,
            ]
            try Self.insertAttempt(StatementArguments(values), runID: draft.runID, name: draft.name, db: db)
            // The client sends `parent_step_ids: []`; the real server then takes the spec's upstream steps.
            let parentIDs = draft.parentIDs.isEmpty ? try Self.upstreamStepIDs(spec: spec, runID: draft.runID, db: db) : draft.parentIDs
            for parent in parentIDs {
                try db.execute(sql: "INSERT INTO step_run_parents (step_run_id, parent_id) VALUES (?, ?) ON CONFLICT DO NOTHING", arguments: [id, parent])
            }
            try Self.link(draft.inputs, to: id, direction: "input", db: db)
            try Self.link(draft.outputs, to: id, direction: "output", db: db)
            if draft.status != "cached" { try Self.claimProduction(of: draft.outputs, by: id, db: db) }
            try Self.cascadeTags(runID: draft.runID, to: draft.outputs, userID: draft.userID, db: db)
            if let modelVersion = try SQLiteModelStatements.versionForRun(config: config, projectID: projectID, runID: draft.runID, userID: draft.userID, db: db) {
                try db.execute(sql: "UPDATE step_runs SET model_version_id = ? WHERE id = ?", arguments: [modelVersion, id])
                try SQLiteModelStatements.attachRun(draft.runID, to: modelVersion, userID: draft.userID, db: db)
            }
            if let logsID = draft.logsID {
                try db.execute(sql: "UPDATE logs SET step_run_id = ?, updated = ? WHERE id = ?", arguments: [id, now, logsID])
            }
            try RunLifecycle.refresh(runID: draft.runID, db: db)
        }
        return id
    }

    func updateStep(id: String, _ change: StepRunChange) async throws {
        try await writer.guardedWrite { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT status, config, version, pipeline_run_id FROM step_runs WHERE id = ?", arguments: [id]) else {
                throw ControlPlaneError.missing("step run", id: id)
            }
            let current: String = try row.decode(forColumn: "status")
            let runID: String = try row.decode(forColumn: "pipeline_run_id")
            var status = change.status
            if let wanted = status, wanted != current {
                if RunStatus.isFinished(current) {
                    throw ControlPlaneError.forbidden("Step run '\(id)' has finished with status '\(current)'; it cannot become '\(wanted)'.")
                }
                // A failed attempt with retries left is `retrying` (ZenML's rule): the run goes on.
                if wanted == "failed", StepRetries.left(config: try row.decode(String?.self, forColumn: "config"),
                                                        attempt: try row.decode(Int.self, forColumn: "version")) {
                    status = "retrying"
                }
                try db.execute(sql: "UPDATE step_runs SET status = ? WHERE id = ?", arguments: [status, id])
            }
            try Self.link(change.outputs, to: id, direction: "output", db: db)
            if (status ?? current) != "cached" { try Self.claimProduction(of: change.outputs, by: id, db: db) }
            try Self.cascadeTags(runID: runID, to: change.outputs, userID: change.userID, db: db)
            try db.execute(sql: "UPDATE step_runs SET end_time = COALESCE(?, end_time), exception_info = COALESCE(?, exception_info), updated = ? WHERE id = ?",
                           arguments: [change.endTime, change.exceptionInfo?.text, Timestamp.now(), id])
            try RunLifecycle.refresh(runID: runID, db: db)
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
}
