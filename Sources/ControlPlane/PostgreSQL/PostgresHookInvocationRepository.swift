import PostgresNIO
import Storage

/// `HookInvocationRepository` on PostgreSQL's `hook_invocations` table.
struct PostgresHookInvocationRepository: HookInvocationRepository {
    let store: PostgresStore

    func create(_ draft: HookInvocationDraft) async throws {
        do {
            try await store.write { session in
                let project = try await session.projectID(draft.project)
                guard try await session.value("SELECT id FROM pipeline_runs WHERE id = \(draft.pipelineRunID) FOR SHARE", as: String.self) != nil else {
                    throw ControlPlaneError.notFound("Unable to get pipeline run with ID '\(draft.pipelineRunID)': No pipeline run with this ID found.")
                }
                if let step = draft.stepRunID, try await session.value("""
                    SELECT id FROM step_runs WHERE id = \(step) AND pipeline_run_id = \(draft.pipelineRunID) FOR SHARE
                    """, as: String.self) == nil {
                    throw ControlPlaneError.notFound("Unable to get step run with ID '\(step)': No step run of this pipeline run has this ID.")
                }
                let now = Timestamp.now()
                try await session.execute("""
                    INSERT INTO hook_invocations (id, project_id, pipeline_run_id, step_run_id, hook_type, name, status, start_time, end_time,
                        source, exception_info, outputs, user_id, created, updated)
                    VALUES (\(draft.id), \(project), \(draft.pipelineRunID), \(draft.stepRunID), \(draft.hookType), \(draft.name), \(draft.status),
                        \(draft.startTime), \(draft.endTime), \(draft.source), \(draft.exceptionInfo?.text), \(draft.outputs.text), \(draft.userID),
                        \(now), \(now))
                    """)
                if let logs = draft.logsID {
                    try await session.execute("UPDATE logs SET hook_invocation_id = \(draft.id), updated = \(now) WHERE id = \(logs)")
                }
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "hook_invocations") {
            throw ControlPlaneError.alreadyExists("A hook invocation with ID '\(draft.id)' already exists.")
        }
    }

    func delete(id: String) async throws -> Bool {
        try await store.write { session in try await session.changed("DELETE FROM hook_invocations WHERE id = \(id) RETURNING id") > 0 }
    }
}
