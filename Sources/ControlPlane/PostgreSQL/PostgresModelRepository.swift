import PostgresNIO
import Storage

/// `ModelRepository` on PostgreSQL's model tables.
struct PostgresModelRepository: ModelRepository {
    let store: PostgresStore

    func createModel(projectID: String, _ model: ModelFields, tags: [TagSpec], userID: String) async throws -> String {
        do {
            return try await store.write { session in
                let id = try await PostgresModelStatements.insertModel(projectID: try await session.projectID(projectID), model, userID: userID, session)
                try await PostgresTagLinks.attach(tags, to: [(.model, id)], userID: userID, session)
                return id
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "models") {
            throw ControlPlaneError.alreadyExists("Unable to create model \(model.name ?? ""): A model with this name already exists.")
        }
    }

    func updateModel(id: String, _ change: ModelFields, addTags: [TagSpec], removeTags: [String], userID: String) async throws {
        do {
            try await store.write { session in
                guard try await session.value("SELECT id FROM models WHERE id = \(id) FOR UPDATE", as: String.self) != nil else {
                    throw ControlPlaneError.notFound("Model with ID \(id) not found.")
                }
                var statement = PostgresStatement()
                var assignments = ["name = COALESCE(\(statement.bind(change.name)), name)"]
                for (column, value) in change.columns { assignments.append("\(column) = COALESCE(\(statement.bind(value)), \(column))") }
                assignments.append("save_models_to_registry = COALESCE(\(statement.bind(change.saveModelsToRegistry)), save_models_to_registry)")
                let updated = statement.bind(Timestamp.now()), idMark = statement.bind(id)
                try await session.execute(statement.query("UPDATE models SET \(assignments.joined(separator: ", ")), updated = \(updated) WHERE id = \(idMark)"))
                try await PostgresTagLinks.attach(addTags, to: [(.model, id)], userID: userID, session)
                try await PostgresTagLinks.detach(removeTags, from: [(.model, id)], session)
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "models") {
            throw ControlPlaneError.alreadyExists("Unable to rename the model to \(change.name ?? ""): A model with this name already exists.")
        }
    }

    func deleteModel(id: String) async throws -> Bool {
        try await store.write { session in
            let versions = try await session.rows("SELECT id FROM model_versions WHERE model_id = \(id)").map { try $0.decode(String.self) }
            try await PostgresTagLinks.forget(.modelVersion, ids: versions, session)
            try await PostgresTagLinks.forget(.model, ids: [id], session)
            return try await session.changed("DELETE FROM models WHERE id = \(id) RETURNING id") > 0
        }
    }

    func createVersion(_ draft: ModelVersionDraft, userID: String) async throws -> String {
        if let name = draft.name { try ModelVersionDraft.checkName(name) }
        do {
            return try await store.write { session in
                var resolved = draft
                resolved.projectID = try await session.projectID(draft.projectID)
                return try await PostgresModelStatements.insertVersion(resolved, userID: userID, session)
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "model_versions") {
            let model = try await store.rows("SELECT name FROM models WHERE id = \(draft.modelID)").first?.decode(String.self)
            throw ControlPlaneError.alreadyExists("Unable to create model version \(model ?? draft.modelID) (version \(draft.name ?? "")): "
                + "A model with the same name and version already exists.")
        }
    }

    func updateVersion(id: String, _ change: ModelVersionChange, userID: String) async throws {
        if let name = change.name { try ModelVersionDraft.checkName(name) }
        do {
            try await store.write { session in
                guard let modelID = try await session.value("SELECT model_id FROM model_versions WHERE id = \(id)", as: String.self) else {
                    throw ControlPlaneError.notFound("Model version \(id) not found.")
                }
                // The model's row is held so that two promotions into one stage take turns.
                _ = try await session.value("SELECT id FROM models WHERE id = \(modelID) FOR UPDATE", as: String.self)
                let now = Timestamp.now()
                if let stage = change.stage, ModelStage.held.contains(stage),
                   let holder = try await session.row("SELECT id, name FROM model_versions WHERE model_id = \(modelID) AND stage = \(stage) AND id <> \(id)") {
                    guard change.force else {
                        throw ControlPlaneError.stateConflict("Model version \(try holder.decode(String.self, forColumn: "name")) is in \(stage), but `force` flag is False.")
                    }
                    try await session.execute("UPDATE model_versions SET stage = 'archived', updated = \(now) WHERE id = \(try holder.decode(String.self, forColumn: "id"))")
                }
                try await session.execute("""
                    UPDATE model_versions SET stage = COALESCE(\(change.stage), stage), name = COALESCE(\(change.name), name),
                    description = COALESCE(\(change.description), description), updated = \(now) WHERE id = \(id)
                    """)
                try await PostgresTagLinks.attach(change.addTags, to: [(.modelVersion, id)], userID: userID, session)
                try await PostgresTagLinks.detach(change.removeTags, from: [(.modelVersion, id)], session)
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "model_versions") {
            throw ControlPlaneError.alreadyExists("Another version of this model already has that name or holds that stage.")
        }
    }

    func deleteVersion(id: String) async throws -> Bool {
        try await store.write { session in
            try await PostgresTagLinks.forget(.modelVersion, ids: [id], session)
            return try await session.changed("DELETE FROM model_versions WHERE id = \(id) RETURNING id") > 0
        }
    }

    func linkArtifact(modelVersionID: String, artifactVersionID: String, userID: String) async throws -> String {
        try await store.write { session in
            try await PostgresModelStatements.link("model_version_artifacts", column: "artifact_version_id", table: "artifact_versions",
                                                   noun: "artifact version", modelVersionID: modelVersionID, otherID: artifactVersionID,
                                                   userID: userID, session)
        }
    }

    func linkRun(modelVersionID: String, runID: String, userID: String) async throws -> String {
        try await store.write { session in
            try await PostgresModelStatements.link("model_version_pipeline_runs", column: "pipeline_run_id", table: "pipeline_runs",
                                                   noun: "pipeline run", modelVersionID: modelVersionID, otherID: runID, userID: userID, session)
        }
    }

    func unlinkArtifacts(modelVersionID: String, link: String?) async throws {
        try await store.write { session in
            guard let link else {
                try await session.execute("DELETE FROM model_version_artifacts WHERE model_version_id = \(modelVersionID)")
                return
            }
            guard try await session.changed("""
                DELETE FROM model_version_artifacts WHERE model_version_id = \(modelVersionID) AND (id = \(link.lowercased()) OR artifact_version_id IN
                (SELECT v.id FROM artifact_versions v JOIN artifacts a ON a.id = v.artifact_id WHERE a.name = \(link))) RETURNING id
                """) > 0 else {
                throw ControlPlaneError.notFound("No artifact link '\(link)' found for model version \(modelVersionID).")
            }
        }
    }

    func unlinkRun(modelVersionID: String, link: String) async throws {
        try await store.write { session in
            guard try await session.changed("""
                DELETE FROM model_version_pipeline_runs WHERE model_version_id = \(modelVersionID) AND (id = \(link.lowercased()) OR pipeline_run_id IN
                (SELECT id FROM pipeline_runs WHERE name = \(link))) RETURNING id
                """) > 0 else {
                throw ControlPlaneError.notFound("No pipeline run link '\(link)' found for model version \(modelVersionID).")
            }
        }
    }
}
