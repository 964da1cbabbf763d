import PostgresNIO
import Storage

/// `PipelineRepository` on PostgreSQL's `pipelines` and `pipeline_snapshots` tables.
struct PostgresPipelineRepository: PipelineRepository {
    let store: PostgresStore

    func createPipeline(_ draft: PipelineDraft) async throws -> String {
        let id = String.newID()
        do {
            try await store.write { session in
                let projectID = try await session.projectID(draft.project)
                let now = Timestamp.now()
                try await session.execute("""
                    INSERT INTO pipelines (id, project_id, name, description, user_id, created, updated)
                    VALUES (\(id), \(projectID), \(draft.name), \(draft.description), \(draft.userID), \(now), \(now))
                    """)
                try await PostgresTagLinks.attach(draft.tags, to: [(.pipeline, id)], userID: draft.userID, session)
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "pipelines") {
            throw ControlPlaneError.alreadyExists("A pipeline named '\(draft.name)' already exists in this project.")
        }
        return id
    }

    func updatePipeline(id: String, description: String?, tags: ResourceTagChange, userID: String?) async throws {
        try await store.write { session in
            guard try await session.changed("""
                UPDATE pipelines SET description = COALESCE(\(description), description), updated = \(Timestamp.now()) WHERE id = \(id) RETURNING id
                """) == 1 else { throw ControlPlaneError.missing("pipeline", id: id) }
            try await PostgresTagLinks.apply(tags, kind: .pipeline, id: id, userID: userID, session)
        }
    }

    func deletePipeline(id: String) async throws {
        try await store.write { session in
            guard try await session.value("SELECT id FROM pipelines WHERE id = \(id) FOR UPDATE", as: String.self) != nil else {
                throw ControlPlaneError.missing("pipeline", id: id)
            }
            try await PostgresRunRepository.deleteRuns(column: "pipeline_id", id, session)
            let snapshots = try await session.rows("SELECT id FROM pipeline_snapshots WHERE pipeline_id = \(id)").map { try $0.decode(String.self) }
            try await PostgresTagLinks.forget(.pipelineSnapshot, ids: snapshots, session)
            try await session.execute("DELETE FROM pipeline_snapshots WHERE pipeline_id = \(id)")
            try await PostgresTagLinks.forget(.pipeline, ids: [id], session)
            try await session.execute("DELETE FROM pipelines WHERE id = \(id)")
        }
    }

    func createSnapshot(_ draft: SnapshotDraft) async throws -> String {
        let id = String.newID()
        do {
            try await store.write { session in
                let projectID = try await session.projectID(draft.project)
                if let pipelineID = draft.pipelineID, try await session.value("""
                    SELECT id FROM pipelines WHERE id = \(pipelineID) AND project_id = \(projectID) FOR SHARE
                    """, as: String.self) == nil {
                    throw ControlPlaneError.missing("pipeline", id: pipelineID)
                }
                if let stackID = draft.stackID, try await session.value("SELECT id FROM stacks WHERE id = \(stackID)", as: String.self) == nil {
                    throw ControlPlaneError.missing("stack", id: stackID)
                }
                if draft.replace, let name = draft.name, let pipelineID = draft.pipelineID {
                    try await session.execute("UPDATE pipeline_snapshots SET name = NULL WHERE pipeline_id = \(pipelineID) AND name = \(name)")
                }
                let now = Timestamp.now()
                try await session.execute("""
                    INSERT INTO pipeline_snapshots (id, project_id, pipeline_id, stack_id, user_id, name, description, run_name_template,
                        pipeline_configuration, step_configurations, pipeline_spec, client_environment, client_version, server_version,
                        pipeline_version_hash, source_code, code_path, is_dynamic, step_count, created, updated)
                    VALUES (\(id), \(projectID), \(draft.pipelineID), \(draft.stackID), \(draft.userID), \(draft.name), \(draft.description),
                        \(draft.runNameTemplate), \(draft.pipelineConfiguration.text), \(draft.stepConfigurations.text), \(draft.pipelineSpec?.text),
                        \(draft.clientEnvironment.text), \(draft.clientVersion), \(draft.serverVersion), \(draft.pipelineVersionHash), \(draft.sourceCode),
                        \(draft.codePath), \(draft.isDynamic), \(draft.stepConfigurations.objectValue?.count ?? 0), \(now), \(now))
                    """)
                try await PostgresTagLinks.attach(draft.tags, to: [(.pipelineSnapshot, id)], userID: draft.userID, session)
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "pipeline_snapshots") {
            throw SnapshotDraft.nameTaken(draft)
        }
        return id
    }

    func deleteSnapshot(id: String) async throws {
        try await store.write { session in
            guard try await session.value("SELECT id FROM pipeline_snapshots WHERE id = \(id) FOR UPDATE", as: String.self) != nil else {
                throw ControlPlaneError.missing("snapshot", id: id)
            }
            try await PostgresRunRepository.deleteRuns(column: "snapshot_id", id, session)
            try await PostgresTagLinks.forget(.pipelineSnapshot, ids: [id], session)
            try await session.execute("DELETE FROM pipeline_snapshots WHERE id = \(id)")
        }
    }
}
