import GRDB
@_spi(SQLiteImplementation) import Storage

/// `HookInvocationRepository` on the control plane's `hook_invocations` table.
struct SQLiteHookInvocationRepository: HookInvocationRepository {
    let store: StateStore

    func create(_ draft: HookInvocationDraft) async throws {
        do {
            try await store.database.guardedWrite { db in
                let project = try ProjectLookup.id(of: draft.project, db: db)
                guard try String.fetchOne(db, sql: "SELECT id FROM pipeline_runs WHERE id = ?", arguments: [draft.pipelineRunID]) != nil else {
                    throw ControlPlaneError.notFound("Unable to get pipeline run with ID '\(draft.pipelineRunID)': No pipeline run with this ID found.")
                }
                if let step = draft.stepRunID,
                   try String.fetchOne(db, sql: "SELECT id FROM step_runs WHERE id = ? AND pipeline_run_id = ?", arguments: [step, draft.pipelineRunID]) == nil {
                    throw ControlPlaneError.notFound("Unable to get step run with ID '\(step)': No step run of this pipeline run has this ID.")
                }
                let now = Timestamp.now()
                try db.execute(sql: """
                    INSERT INTO hook_invocations (id, project_id, pipeline_run_id, step_run_id, hook_type, name, status, start_time, end_time,
                    source, exception_info, outputs, user_id, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [draft.id, project, draft.pipelineRunID, draft.stepRunID, draft.hookType, draft.name, draft.status,
                                     draft.startTime, draft.endTime, draft.source, draft.exceptionInfo?.text, draft.outputs.text,
                                     draft.userID, now, now])
                if let logs = draft.logsID {
                    try db.execute(sql: "UPDATE logs SET hook_invocation_id = ?, updated = ? WHERE id = ?", arguments: [draft.id, now, logs])
                }
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "hook_invocations") {
            throw ControlPlaneError.alreadyExists("A hook invocation with ID '\(draft.id)' already exists.")
        }
    }

    func delete(id: String) async throws -> Bool {
        try await store.database.guardedWrite { db in
            try db.execute(sql: "DELETE FROM hook_invocations WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }
}
