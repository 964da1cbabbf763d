import PostgresNIO
import Storage

/// `LogsRepository` on PostgreSQL's `logs` table.
struct PostgresLogsRepository: LogsRepository {
    let store: PostgresStore

    func create(_ draft: LogsDraft) async throws {
        do {
            try await store.write { session in
                let projectID = try await session.projectID(draft.project)
                let now = Timestamp.now()
                try await session.execute("""
                    INSERT INTO logs (id, project_id, uri, source, step_run_id, pipeline_run_id, artifact_store_id, log_store_id, hook_invocation_id,
                        user_id, created, updated)
                    VALUES (\(draft.id), \(projectID), \(draft.uri), \(draft.source), \(draft.stepRunID), \(draft.pipelineRunID), \(draft.artifactStoreID),
                        \(draft.logStoreID), \(draft.hookInvocationID), \(draft.userID), \(now), \(now))
                    """)
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "logs") {
            throw ControlPlaneError.alreadyExists("Logs with ID '\(draft.id)' already exist.")
        }
    }

    func link(id: String, pipelineRunID: String?, stepRunID: String?, hookInvocationID: String?) async throws {
        try await store.write { session in
            guard try await session.changed("""
                UPDATE logs SET pipeline_run_id = COALESCE(\(pipelineRunID), pipeline_run_id), step_run_id = COALESCE(\(stepRunID), step_run_id),
                hook_invocation_id = COALESCE(\(hookInvocationID), hook_invocation_id), updated = \(Timestamp.now()) WHERE id = \(id) RETURNING id
                """) == 1 else {
                throw ControlPlaneError.missing("logs", id: id)
            }
        }
    }
}
