import PostgresNIO
import Storage

/// Step runs on PostgreSQL, by the rules `SQLiteRunRepository+Steps` keeps: configuration
/// from the run's snapshot, lineage links, the run's status re-derived. Every step write
/// holds its run's row first, so attempts of one run are numbered one at a time.
extension PostgresRunRepository {
    func createStep(_ draft: StepRunDraft) async throws -> String {
        let id = String.newID()
        try await store.write { session in
            guard let run = try await session.row("""
                SELECT r.project_id, r.snapshot_id, r.config, s.step_configurations FROM pipeline_runs r
                LEFT JOIN pipeline_snapshots s ON s.id = r.snapshot_id WHERE r.id = \(draft.runID) FOR UPDATE OF r
                """) else {
                throw Self.missing(draft.runID)
            }
            let stepConfiguration = JSONValue.parseStored(try run.decode(String?.self, forColumn: "step_configurations"))[draft.name] ?? draft.dynamicConfig
            guard let stepConfiguration, var config = stepConfiguration["config"], let spec = stepConfiguration["spec"] else {
                throw ControlPlaneError.invalid("Step '\(draft.name)' is not part of the snapshot of run '\(draft.runID)'.")
            }
            var substitutions = JSONValue.parseStored(try run.decode(String?.self, forColumn: "config"))["substitutions"]?.objectValue ?? [:]
            for (key, value) in config["substitutions"]?.objectValue ?? [:] { substitutions[key] = value }
            config["substitutions"] = .object(substitutions)
            let projectID: String = try run.decode(forColumn: "project_id")
            let snapshotID: String? = try run.decode(forColumn: "snapshot_id")
            let now = Timestamp.now()
            try await session.execute("""
                UPDATE step_runs SET status = 'retried', updated = \(now) WHERE pipeline_run_id = \(draft.runID) AND name = \(draft.name) AND status = 'retrying'
                """)
            try await session.execute("""
                INSERT INTO step_runs (id, project_id, pipeline_run_id, name, status, start_time, end_time, cache_key, cache_expires_at,
                    code_hash, docstring, source_code, original_step_run_id, exception_info, snapshot_id, config, spec, user_id, created, updated, version)
                SELECT \(id), \(projectID), \(draft.runID), \(draft.name), \(draft.status), \(draft.startTime), \(draft.endTime), \(draft.cacheKey),
                    \(draft.cacheExpiresAt), \(draft.codeHash), \(draft.docstring), \(draft.sourceCode), \(draft.originalStepRunID),
                    \(draft.exceptionInfo?.text), \(snapshotID), \(config.text), \(spec.text), \(draft.userID), \(now), \(now), COALESCE(MAX(version), 0) + 1
                FROM step_runs WHERE pipeline_run_id = \(draft.runID) AND name = \(draft.name)
                """)
            // The client sends `parent_step_ids: []`; the real server then takes the spec's upstream steps.
            let parentIDs = draft.parentIDs.isEmpty ? try await Self.upstreamStepIDs(spec: spec, runID: draft.runID, session) : draft.parentIDs
            for parent in parentIDs {
                try await session.execute("INSERT INTO step_run_parents (step_run_id, parent_id) VALUES (\(id), \(parent)) ON CONFLICT DO NOTHING")
            }
            try await Self.link(draft.inputs, to: id, direction: "input", session)
            try await Self.link(draft.outputs, to: id, direction: "output", session)
            if draft.status != "cached" { try await Self.claimProduction(of: draft.outputs, by: id, session) }
            try await Self.cascadeTags(runID: draft.runID, to: draft.outputs, userID: draft.userID, session)
            if let modelVersion = try await PostgresModelStatements.versionForRun(config: config, projectID: projectID, runID: draft.runID,
                                                                                 userID: draft.userID, session) {
                try await session.execute("UPDATE step_runs SET model_version_id = \(modelVersion) WHERE id = \(id)")
                try await PostgresModelStatements.attachRun(draft.runID, to: modelVersion, userID: draft.userID, session)
            }
            if let logsID = draft.logsID {
                try await session.execute("UPDATE logs SET step_run_id = \(id), updated = \(now) WHERE id = \(logsID)")
            }
            try await PostgresRunLifecycle.refresh(runID: draft.runID, session)
        }
        return id
    }

    func updateStep(id: String, _ change: StepRunChange) async throws {
        try await store.write { session in
            guard let runID = try await session.value("SELECT pipeline_run_id FROM step_runs WHERE id = \(id)", as: String.self) else {
                throw ControlPlaneError.missing("step run", id: id)
            }
            _ = try await session.value("SELECT id FROM pipeline_runs WHERE id = \(runID) FOR UPDATE", as: String.self)
            guard let row = try await session.row("SELECT status, config, version FROM step_runs WHERE id = \(id)") else {
                throw ControlPlaneError.missing("step run", id: id)
            }
            let current: String = try row.decode(forColumn: "status")
            var status = change.status
            if let wanted = status, wanted != current {
                if RunStatus.isFinished(current) {
                    throw ControlPlaneError.forbidden("Step run '\(id)' has finished with status '\(current)'; it cannot become '\(wanted)'.")
                }
                if wanted == "failed", StepRetries.left(config: try row.decode(String?.self, forColumn: "config"),
                                                        attempt: try row.decode(Int.self, forColumn: "version")) {
                    status = "retrying"
                }
                try await session.execute("UPDATE step_runs SET status = \(status) WHERE id = \(id)")
            }
            try await Self.link(change.outputs, to: id, direction: "output", session)
            if (status ?? current) != "cached" { try await Self.claimProduction(of: change.outputs, by: id, session) }
            try await Self.cascadeTags(runID: runID, to: change.outputs, userID: change.userID, session)
            try await session.execute("""
                UPDATE step_runs SET end_time = COALESCE(\(change.endTime), end_time), exception_info = COALESCE(\(change.exceptionInfo?.text), exception_info),
                updated = \(Timestamp.now()) WHERE id = \(id)
                """)
            try await PostgresRunLifecycle.refresh(runID: runID, session)
        }
    }

    /// The ids of the latest attempts of the steps named in `spec.upstream_steps`.
    static func upstreamStepIDs(spec: JSONValue, runID: String, _ session: PostgresSession) async throws -> [String] {
        var ids: [String] = []
        for upstream in (spec["upstream_steps"]?.arrayValue ?? []).compactMap(\.stringValue) {
            if let id = try await session.value("""
                SELECT id FROM step_runs WHERE pipeline_run_id = \(runID) AND name = \(upstream) ORDER BY version DESC LIMIT 1
                """, as: String.self) { ids.append(id) }
        }
        return ids
    }

    /// Records `{name: [artifact version ids]}` as a step's inputs or outputs.
    static func link(_ entries: [(String, [String])], to stepID: String, direction: String, _ session: PostgresSession) async throws {
        for (name, ids) in entries {
            try await session.execute("DELETE FROM step_run_artifacts WHERE step_run_id = \(stepID) AND direction = \(direction) AND name = \(name)")
            for (position, versionID) in ids.enumerated() {
                guard let saveType = try await session.value("SELECT save_type FROM artifact_versions WHERE id = \(versionID) FOR SHARE", as: String.self) else {
                    throw ControlPlaneError.notFound("Unable to get artifact version with ID '\(versionID)': No artifact version with this ID found.")
                }
                let inputType: String? = direction == "input" ? (saveType == "step_output" ? "step_output" : "external") : nil
                try await session.execute("""
                    INSERT INTO step_run_artifacts (step_run_id, artifact_version_id, direction, name, position, input_type)
                    VALUES (\(stepID), \(versionID), \(direction), \(name), \(position), \(inputType))
                    """)
            }
        }
    }

    /// The run's tags marked `cascade` go to every artifact version its steps output, as in ZenML.
    static func cascadeTags(runID: String, to outputs: [(String, [String])], userID: String?, _ session: PostgresSession) async throws {
        guard !outputs.isEmpty, let stored = try await session.value("SELECT config FROM pipeline_runs WHERE id = \(runID)", as: String.self) else { return }
        let cascading = (try? TagSpec.list(JSONValue.parseStored(stored)["tags"], field: "tags"))?.filter(\.cascade) ?? []
        guard !cascading.isEmpty else { return }
        try await PostgresTagLinks.attach(cascading, to: outputs.flatMap { $0.1.map { (TaggableResource.artifactVersion, $0) } }, userID: userID, session)
    }

    /// A step that really ran is the producer of the outputs it reports (not a cached copy).
    static func claimProduction(of outputs: [(String, [String])], by stepID: String, _ session: PostgresSession) async throws {
        let ids = outputs.flatMap(\.1)
        guard !ids.isEmpty else { return }
        try await session.execute("""
            UPDATE artifact_versions SET producer_step_run_id = \(stepID) WHERE id = ANY(\(ids)) AND producer_step_run_id IS NULL
            """)
    }
}
