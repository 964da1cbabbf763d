import GRDB
import Storage

/// `LogsRepository` on the control plane's `logs` table, over any GRDB writer.
struct SQLiteLogsRepository: LogsRepository {
    let writer: any DatabaseWriter

    func create(_ draft: LogsDraft) async throws {
        try await writer.guardedWrite { db in
            let projectID = try ProjectLookup.id(of: draft.project, db: db)
            let now = Timestamp.now()
            do {
                try db.execute(sql: """
                    INSERT INTO logs (id, project_id, uri, source, step_run_id, pipeline_run_id, artifact_store_id, log_store_id, hook_invocation_id,
                    user_id, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [draft.id, projectID, draft.uri, draft.source, draft.stepRunID, draft.pipelineRunID, draft.artifactStoreID,
                                     draft.logStoreID, draft.hookInvocationID, draft.userID, now, now])
            } catch where ConstraintViolation(error) == .duplicate(table: "logs") {
                throw ControlPlaneError.alreadyExists("Logs with ID '\(draft.id)' already exist.")
            }
        }
    }

    func link(id: String, pipelineRunID: String?, stepRunID: String?, hookInvocationID: String?) async throws {
        try await writer.guardedWrite { db in
            try db.execute(sql: """
                UPDATE logs SET pipeline_run_id = COALESCE(?, pipeline_run_id), step_run_id = COALESCE(?, step_run_id),
                hook_invocation_id = COALESCE(?, hook_invocation_id), updated = ? WHERE id = ?
                """, arguments: [pipelineRunID, stepRunID, hookInvocationID, Timestamp.now(), id])
            guard db.changesCount == 1 else {
                throw ControlPlaneError.missing("logs", id: id)
            }
        }
    }
}
