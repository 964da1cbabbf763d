import GRDB
@_spi(SQLiteImplementation) import Storage

/// `ModelRepository` on the control plane's model tables.
struct SQLiteModelRepository: ModelRepository {
    let store: StateStore

    func createModel(projectID: String, _ model: ModelFields, tags: [TagSpec], userID: String) async throws -> String {
        let name = model.name ?? ""
        do {
            return try await store.database.guardedWrite { db in
                let id = try SQLiteModelStatements.insertModel(projectID: try ProjectLookup.id(of: projectID, db: db), model, userID: userID, db: db)
                try TagLinks.attach(tags, to: [(.model, id)], userID: userID, db: db)
                return id
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "models") {
            throw ControlPlaneError.alreadyExists("Unable to create model \(name): A model with this name already exists.")
        }
    }

    func updateModel(id: String, _ change: ModelFields, addTags: [TagSpec], removeTags: [String], userID: String) async throws {
        do {
            try await store.database.guardedWrite { db in
                guard try String.fetchOne(db, sql: "SELECT id FROM models WHERE id = ?", arguments: [id]) != nil else {
                    throw ControlPlaneError.notFound("Model with ID \(id) not found.")
                }
                var assignments = ["name = COALESCE(?, name)"], arguments: [DatabaseValueConvertible?] = [change.name]
                for (column, value) in change.columns {
                    assignments.append("\(column) = COALESCE(?, \(column))")
                    arguments.append(value)
                }
                assignments.append("save_models_to_registry = COALESCE(?, save_models_to_registry)")
                arguments += [change.saveModelsToRegistry, Timestamp.now(), id]
                try db.execute(sql: "UPDATE models SET \(assignments.joined(separator: ", ")), updated = ? WHERE id = ?",
                               arguments: StatementArguments(arguments))
                try TagLinks.attach(addTags, to: [(.model, id)], userID: userID, db: db)
                try TagLinks.detach(removeTags, from: [(.model, id)], db: db)
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "models") {
            throw ControlPlaneError.alreadyExists("Unable to rename the model to \(change.name ?? ""): A model with this name already exists.")
        }
    }

    func deleteModel(id: String) async throws -> Bool {
        try await store.database.guardedWrite { db in
            let versions = try String.fetchAll(db, sql: "SELECT id FROM model_versions WHERE model_id = ?", arguments: [id])
            try TagLinks.forget(.modelVersion, ids: versions, db: db)
            try TagLinks.forget(.model, ids: [id], db: db)
            try db.execute(sql: "DELETE FROM models WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    func createVersion(_ draft: ModelVersionDraft, userID: String) async throws -> String {
        if let name = draft.name { try ModelVersionDraft.checkName(name) }
        do {
            return try await store.database.guardedWrite { db in
                var resolved = draft
                resolved.projectID = try ProjectLookup.id(of: draft.projectID, db: db)
                return try SQLiteModelStatements.insertVersion(resolved, userID: userID, db: db)
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "model_versions") {
            let model = try await store.database.read { db in try String.fetchOne(db, sql: "SELECT name FROM models WHERE id = ?", arguments: [draft.modelID]) }
            throw ControlPlaneError.alreadyExists("Unable to create model version \(model ?? draft.modelID) (version \(draft.name ?? "")): "
                + "A model with the same name and version already exists.")
        }
    }

    func updateVersion(id: String, _ change: ModelVersionChange, userID: String) async throws {
        if let name = change.name { try ModelVersionDraft.checkName(name) }
        do {
            try await store.database.guardedWrite { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT model_id FROM model_versions WHERE id = ?", arguments: [id]) else {
                    throw ControlPlaneError.notFound("Model version \(id) not found.")
                }
                let now = Timestamp.now()
                if let stage = change.stage, ModelStage.held.contains(stage),
                   let holder = try Row.fetchOne(db, sql: "SELECT id, name FROM model_versions WHERE model_id = ? AND stage = ? AND id <> ?",
                                                 arguments: [row["model_id"] as String, stage, id]) {
                    guard change.force else {
                        throw ControlPlaneError.stateConflict("Model version \(holder["name"] as String) is in \(stage), but `force` flag is False.")
                    }
                    try db.execute(sql: "UPDATE model_versions SET stage = 'archived', updated = ? WHERE id = ?", arguments: [now, holder["id"] as String])
                }
                try db.execute(sql: """
                    UPDATE model_versions SET stage = COALESCE(?, stage), name = COALESCE(?, name), description = COALESCE(?, description), updated = ?
                    WHERE id = ?
                    """, arguments: [change.stage, change.name, change.description, now, id])
                try TagLinks.attach(change.addTags, to: [(.modelVersion, id)], userID: userID, db: db)
                try TagLinks.detach(change.removeTags, from: [(.modelVersion, id)], db: db)
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "model_versions") {
            // Either the new name is taken or another writer took the stage meanwhile.
            throw ControlPlaneError.alreadyExists("Another version of this model already has that name or holds that stage.")
        }
    }

    func deleteVersion(id: String) async throws -> Bool {
        try await store.database.guardedWrite { db in
            try TagLinks.forget(.modelVersion, ids: [id], db: db)
            try db.execute(sql: "DELETE FROM model_versions WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    func linkArtifact(modelVersionID: String, artifactVersionID: String, userID: String) async throws -> String {
        try await store.database.guardedWrite { db in
            try SQLiteModelStatements.link("model_version_artifacts", column: "artifact_version_id", table: "artifact_versions", noun: "artifact version",
                                  modelVersionID: modelVersionID, otherID: artifactVersionID, userID: userID, db: db)
        }
    }

    func linkRun(modelVersionID: String, runID: String, userID: String) async throws -> String {
        try await store.database.guardedWrite { db in
            try SQLiteModelStatements.link("model_version_pipeline_runs", column: "pipeline_run_id", table: "pipeline_runs", noun: "pipeline run",
                                  modelVersionID: modelVersionID, otherID: runID, userID: userID, db: db)
        }
    }

    func unlinkArtifacts(modelVersionID: String, link: String?) async throws {
        try await store.database.guardedWrite { db in
            guard let link else {
                try db.execute(sql: "DELETE FROM model_version_artifacts WHERE model_version_id = ?", arguments: [modelVersionID])
                return
            }
            try db.execute(sql: """
                DELETE FROM model_version_artifacts WHERE model_version_id = ? AND (id = ? OR artifact_version_id IN
                (SELECT v.id FROM artifact_versions v JOIN artifacts a ON a.id = v.artifact_id WHERE a.name = ?))
                """, arguments: [modelVersionID, link.lowercased(), link])
            guard db.changesCount > 0 else {
                throw ControlPlaneError.notFound("No artifact link '\(link)' found for model version \(modelVersionID).")
            }
        }
    }

    func unlinkRun(modelVersionID: String, link: String) async throws {
        try await store.database.guardedWrite { db in
            try db.execute(sql: """
                DELETE FROM model_version_pipeline_runs WHERE model_version_id = ? AND (id = ? OR pipeline_run_id IN
                (SELECT id FROM pipeline_runs WHERE name = ?))
                """, arguments: [modelVersionID, link.lowercased(), link])
            guard db.changesCount > 0 else {
                throw ControlPlaneError.notFound("No pipeline run link '\(link)' found for model version \(modelVersionID).")
            }
        }
    }
}
