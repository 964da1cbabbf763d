import PostgresNIO
import Storage

/// `RunRepository` on PostgreSQL, shared by every replica. Runs of one pipeline are created
/// one at a time (a transaction-wide advisory lock), so the next index and the placeholder a
/// run takes over are decided once; the unique indexes stand behind it as on SQLite.
struct PostgresRunRepository: RunRepository {
    let store: PostgresStore

    func createRun(_ draft: RunDraft) async throws -> (id: String, created: Bool) {
        try await store.write { session -> (String, Bool) in
            let projectID = try await session.projectID(draft.project)
            guard let snapshot = try await session.row("""
                SELECT pipeline_id, stack_id, pipeline_configuration, client_environment FROM pipeline_snapshots
                WHERE id = \(draft.snapshotID) AND project_id = \(projectID)
                """) else {
                throw ControlPlaneError.notFound("Unable to get snapshot with ID '\(draft.snapshotID)': No snapshot with this ID found.")
            }
            let pipelineID: String? = try snapshot.decode(forColumn: "pipeline_id")
            try await session.lock("runs:\(pipelineID ?? "project:" + projectID)")
            if let orchestratorRunID = draft.orchestratorRunID {
                if let existing = try await Self.run(snapshotID: draft.snapshotID, orchestratorRunID: orchestratorRunID, session) { return (existing, false) }
                if let placeholder = try await Self.claimPlaceholder(for: draft, orchestratorRunID: orchestratorRunID, session) { return (placeholder, true) }
            }
            var config = JSONValue.parseStored(try snapshot.decode(String?.self, forColumn: "pipeline_configuration"))
            config["substitutions"] = RunLifecycle.substitutions(start: draft.startTime, configured: config["substitutions"])
            let id = String.newID(), now = Timestamp.now()
            let stackID: String? = try snapshot.decode(forColumn: "stack_id")
            let clientEnvironment: String? = try snapshot.decode(forColumn: "client_environment")
            let inserted = try await session.changed("""
                INSERT INTO pipeline_runs (id, project_id, name, pipeline_id, snapshot_id, stack_id, user_id, status, status_reason,
                    orchestrator_run_id, start_time, config, client_environment, orchestrator_environment, trigger_info, exception_info,
                    created, updated, run_index)
                SELECT \(id), \(projectID), \(draft.name), \(pipelineID), \(draft.snapshotID), \(stackID), \(draft.userID), \(draft.status),
                    \(draft.statusReason), \(draft.orchestratorRunID), \(draft.startTime), \(config.text), \(clientEnvironment),
                    \(draft.orchestratorEnvironment.text), \(draft.triggerInfo?.text), \(draft.exceptionInfo?.text), \(now), \(now),
                    COALESCE(MAX(run_index), 0) + 1
                FROM pipeline_runs WHERE project_id = \(projectID) AND pipeline_id IS NOT DISTINCT FROM \(pipelineID)
                ON CONFLICT DO NOTHING RETURNING id
                """)
            guard inserted == 1 else {
                // Two reports of one orchestrator run carry one name; the second is not a new run.
                if let orchestratorRunID = draft.orchestratorRunID,
                   let existing = try await Self.run(snapshotID: draft.snapshotID, orchestratorRunID: orchestratorRunID, session) {
                    return (existing, false)
                }
                throw ControlPlaneError.alreadyExists("Unable to create pipeline run: a pipeline run named '\(draft.name)' already exists.")
            }
            if RunStatus.isFinished(draft.status) { try await PostgresRunLifecycle.setStatus(runID: id, status: draft.status, endTime: draft.endTime, session) }
            try await Self.attachLogs(draft.logsID, runID: id, session)
            try await PostgresTagLinks.attach(draft.tags, to: [(.pipelineRun, id)], userID: draft.userID, session)
            if let version = try await PostgresModelStatements.versionForRun(config: config, projectID: projectID, runID: id, userID: draft.userID, session) {
                try await PostgresModelStatements.attachRun(id, to: version, userID: draft.userID, session)
            }
            return (id, true)
        }
    }

    /// The snapshot's oldest placeholder run becomes the orchestrator's run (the caller holds
    /// the pipeline's lock, so no other replica claims it meanwhile).
    static func claimPlaceholder(for draft: RunDraft, orchestratorRunID: String, _ session: PostgresSession) async throws -> String? {
        guard let placeholderID = try await session.value("""
            SELECT id FROM pipeline_runs WHERE snapshot_id = \(draft.snapshotID) AND orchestrator_run_id IS NULL AND status = 'initializing'
            ORDER BY created COLLATE "C" LIMIT 1
            """, as: String.self) else { return nil }
        try await session.execute("""
            UPDATE pipeline_runs SET orchestrator_run_id = \(orchestratorRunID), orchestrator_environment = \(draft.orchestratorEnvironment.text),
            updated = \(Timestamp.now()) WHERE id = \(placeholderID) AND orchestrator_run_id IS NULL
            """)
        if draft.status != "initializing" { try await PostgresRunLifecycle.setStatus(runID: placeholderID, status: draft.status, endTime: nil, session) }
        try await attachLogs(draft.logsID, runID: placeholderID, session)
        try await PostgresTagLinks.attach(draft.tags, to: [(.pipelineRun, placeholderID)], userID: draft.userID, session)
        try await PostgresRunLifecycle.refresh(runID: placeholderID, session)
        return placeholderID
    }

    /// The run an orchestrator run id names within a snapshot.
    static func run(snapshotID: String, orchestratorRunID: String, _ session: PostgresSession) async throws -> String? {
        try await session.value("SELECT id FROM pipeline_runs WHERE snapshot_id = \(snapshotID) AND orchestrator_run_id = \(orchestratorRunID)",
                                as: String.self)
    }

    static func attachLogs(_ logsID: String?, runID: String, _ session: PostgresSession) async throws {
        guard let logsID else { return }
        try await session.execute("UPDATE logs SET pipeline_run_id = \(runID), updated = \(Timestamp.now()) WHERE id = \(logsID)")
    }

    func updateRun(id: String, _ change: RunChange, userID: String?) async throws {
        try await store.write { session in
            guard let current = try await session.value("SELECT status FROM pipeline_runs WHERE id = \(id) FOR UPDATE", as: String.self) else {
                throw Self.missing(id)
            }
            if let status = change.status, !RunStatus.isFinished(current), status != current {
                try await PostgresRunLifecycle.setStatus(runID: id, status: status, endTime: change.endTime, session)
                if change.setsStatusReason {
                    try await session.execute("UPDATE pipeline_runs SET status_reason = \(change.statusReason) WHERE id = \(id)")
                }
            }
            try await session.execute("""
                UPDATE pipeline_runs SET orchestrator_run_id = COALESCE(orchestrator_run_id, \(change.orchestratorRunID)),
                exception_info = COALESCE(\(change.exceptionInfo?.text), exception_info), updated = \(Timestamp.now()) WHERE id = \(id)
                """)
            try await PostgresTagLinks.apply(change.tags, kind: .pipelineRun, id: id, userID: userID, session)
        }
    }

    func deleteRun(id: String) async throws {
        try await store.write { session in
            guard try await Self.deleteRuns(column: "id", id, session) > 0 else { throw Self.missing(id) }
        }
    }

    /// Deletes the runs whose `column` is `value`, with their steps and logs; artifact
    /// versions stay, as in ZenML. Answers how many runs went.
    @discardableResult
    static func deleteRuns(column: String, _ value: String, _ session: PostgresSession) async throws -> Int {
        let runs = try await session.rows("SELECT id FROM pipeline_runs WHERE \(unescaped: column) = \(value) FOR UPDATE").map { try $0.decode(String.self) }
        guard !runs.isEmpty else { return 0 }
        try await session.execute("""
            DELETE FROM logs WHERE pipeline_run_id = ANY(\(runs)) OR step_run_id IN (SELECT id FROM step_runs WHERE pipeline_run_id = ANY(\(runs)))
            """)
        try await session.execute("""
            UPDATE artifact_versions SET producer_step_run_id = NULL
            WHERE producer_step_run_id IN (SELECT id FROM step_runs WHERE pipeline_run_id = ANY(\(runs)))
            """)
        try await session.execute("DELETE FROM step_runs WHERE pipeline_run_id = ANY(\(runs))")
        try await PostgresTagLinks.forget(.pipelineRun, ids: runs, session)
        try await session.execute("DELETE FROM pipeline_runs WHERE id = ANY(\(runs))")
        return runs.count
    }
}
