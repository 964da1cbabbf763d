import GRDB
import Storage

/// `PipelineRepository` on the control plane's `pipelines` and `pipeline_snapshots` tables,
/// over any GRDB writer.
struct SQLitePipelineRepository: PipelineRepository {
    let writer: any DatabaseWriter

    func createPipeline(_ draft: PipelineDraft) async throws -> String {
        let id = String.newID()
        try await writer.guardedWrite { db in
            let projectID = try ProjectLookup.id(of: draft.project, db: db)
            let now = Timestamp.now()
            do {
                try db.execute(sql: "INSERT INTO pipelines (id, project_id, name, description, user_id, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)",
                               arguments: [id, projectID, draft.name, draft.description, draft.userID, now, now])
            } catch where ConstraintViolation(error) == .duplicate(table: "pipelines") {
                throw ControlPlaneError.alreadyExists("A pipeline named '\(draft.name)' already exists in this project.")
            }
            try TagLinks.attach(draft.tags, to: [(.pipeline, id)], userID: draft.userID, db: db)
        }
        return id
    }

    func updatePipeline(id: String, description: String?, tags: ResourceTagChange, userID: String?) async throws {
        try await writer.guardedWrite { db in
            try db.execute(sql: "UPDATE pipelines SET description = COALESCE(?, description), updated = ? WHERE id = ?",
                           arguments: [description, Timestamp.now(), id])
            guard db.changesCount == 1 else { throw ControlPlaneError.missing("pipeline", id: id) }
            try TagLinks.apply(tags, kind: .pipeline, id: id, userID: userID, db: db)
        }
    }

    func deletePipeline(id: String) async throws {
        try await writer.guardedWrite { db in
            guard try String.fetchOne(db, sql: "SELECT id FROM pipelines WHERE id = ?", arguments: [id]) != nil else { throw ControlPlaneError.missing("pipeline", id: id) }
            try SQLiteRunRepository.deleteRuns(where: "pipeline_id = ?", id, db: db)
            try TagLinks.forget(.pipelineSnapshot, ids: try String.fetchAll(db, sql: "SELECT id FROM pipeline_snapshots WHERE pipeline_id = ?", arguments: [id]), db: db)
            try db.execute(sql: "DELETE FROM pipeline_snapshots WHERE pipeline_id = ?", arguments: [id])
            try TagLinks.forget(.pipeline, ids: [id], db: db)
            try db.execute(sql: "DELETE FROM pipelines WHERE id = ?", arguments: [id])
        }
    }

    func createSnapshot(_ draft: SnapshotDraft) async throws -> String {
        let id = String.newID()
        try await writer.guardedWrite { db in
            let projectID = try ProjectLookup.id(of: draft.project, db: db)
            if let pipelineID = draft.pipelineID,
               try String.fetchOne(db, sql: "SELECT id FROM pipelines WHERE id = ? AND project_id = ?", arguments: [pipelineID, projectID]) == nil {
                throw ControlPlaneError.missing("pipeline", id: pipelineID)
            }
            if let stackID = draft.stackID, try String.fetchOne(db, sql: "SELECT id FROM stacks WHERE id = ?", arguments: [stackID]) == nil {
                throw ControlPlaneError.missing("stack", id: stackID)
            }
            if draft.replace, let name = draft.name, let pipelineID = draft.pipelineID {
                try db.execute(sql: "UPDATE pipeline_snapshots SET name = NULL WHERE pipeline_id = ? AND name = ?", arguments: [pipelineID, name])
            }
            let now = Timestamp.now()
            let values: [DatabaseValueConvertible?] = [
                id, projectID, draft.pipelineID, draft.stackID, draft.userID, draft.name, draft.description, draft.runNameTemplate,
                draft.pipelineConfiguration.text, draft.stepConfigurations.text, draft.pipelineSpec?.text, draft.clientEnvironment.text,
                draft.clientVersion, draft.serverVersion, draft.pipelineVersionHash, draft.sourceCode, draft.codePath, draft.isDynamic,
                draft.stepConfigurations.objectValue?.count ?? 0, now, now,
            ]
            do {
                try db.execute(sql: """
                    INSERT INTO pipeline_snapshots (id, project_id, pipeline_id, stack_id, user_id, name, description, run_name_template,
                    pipeline_configuration, step_configurations, pipeline_spec, client_environment, client_version, server_version,
                    pipeline_version_hash, source_code, code_path, is_dynamic, step_count, created, updated)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: StatementArguments(values))
            } catch where ConstraintViolation(error) == .duplicate(table: "pipeline_snapshots") {
                throw SnapshotDraft.nameTaken(draft)
            }
            try TagLinks.attach(draft.tags, to: [(.pipelineSnapshot, id)], userID: draft.userID, db: db)
        }
        return id
    }

    func deleteSnapshot(id: String) async throws {
        try await writer.guardedWrite { db in
            guard try String.fetchOne(db, sql: "SELECT id FROM pipeline_snapshots WHERE id = ?", arguments: [id]) != nil else {
                throw ControlPlaneError.missing("snapshot", id: id)
            }
            try SQLiteRunRepository.deleteRuns(where: "snapshot_id = ?", id, db: db)
            try TagLinks.forget(.pipelineSnapshot, ids: [id], db: db)
            try db.execute(sql: "DELETE FROM pipeline_snapshots WHERE id = ?", arguments: [id])
        }
    }

}
