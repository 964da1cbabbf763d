import GRDB
@_spi(SQLiteImplementation) import Storage

/// `ModelRegistryRepository` in the shared SQLite database. Deleted versions stay as rows
/// in the stage `Deleted_Internal` (as MLflow keeps them), so numbers are never reused.
public struct SQLiteModelRegistryRepository: ModelRegistryRepository {
    let store: StateStore

    /// The registry of `store` (its migrations include `TrackingMigrations.set`).
    public init(store: StateStore) { self.store = store }

    public func createModel(name: String, description: String?, tags: [KeyValue]) async throws -> RegisteredModel {
        try await store.database.write { db in
            let now = TrackingRules.now()
            do {
                try db.execute(sql: """
                    INSERT INTO mlflow_registered_models (model_key, name, creation_timestamp, last_updated_timestamp, description)
                    VALUES (?, ?, ?, ?, ?)
                    """, arguments: [TrackingRules.newID(), name, now, now, description])
            } catch {
                throw Self.duplicateName(error, name)
            }
            let key = try Self.modelKey(db, name)
            for tag in tags { try Self.modelTags.upsert(db, owner: key, tag) }
            return try Self.requireModel(db, name)
        }
    }

    /// A taken name (the UNIQUE rule said so) as MLflow's error; anything else as it was.
    static func duplicateName(_ error: any Error, _ name: String) -> any Error {
        guard case .duplicate? = ConstraintViolation(error) else { return error }
        return TrackingError.alreadyExists("Registered Model (name=\(name)) already exists.")
    }

    public func model(name: String) async throws -> RegisteredModel? {
        try await store.database.read { db in try Self.models(db, where: "rm.name = ?", [name]).first }
    }

    public func renameModel(name: String, to newName: String) async throws -> RegisteredModel {
        try await store.database.write { db in
            let key = try Self.modelKey(db, name)
            do {
                try db.execute(sql: "UPDATE mlflow_registered_models SET name = ?, last_updated_timestamp = ? WHERE model_key = ?",
                               arguments: [newName, TrackingRules.now(), key])
            } catch {
                throw Self.duplicateName(error, newName)
            }
            return try Self.requireModel(db, newName)
        }
    }

    public func updateModel(name: String, description: String) async throws -> RegisteredModel {
        try await store.database.write { db in
            let key = try Self.modelKey(db, name)
            try db.execute(sql: "UPDATE mlflow_registered_models SET description = ?, last_updated_timestamp = ? WHERE model_key = ?",
                           arguments: [description, TrackingRules.now(), key])
            return try Self.requireModel(db, name)
        }
    }

    public func deleteModel(name: String) async throws {
        try await store.database.write { db in
            let key = try Self.modelKey(db, name)
            try db.execute(sql: "DELETE FROM mlflow_registered_model_aliases WHERE model_key = ?", arguments: [key])
            try db.execute(sql: "DELETE FROM mlflow_model_version_tags WHERE version_id IN (SELECT version_id FROM mlflow_model_versions WHERE model_key = ?)",
                           arguments: [key])
            try db.execute(sql: "DELETE FROM mlflow_model_versions WHERE model_key = ?", arguments: [key])
            try db.execute(sql: "DELETE FROM mlflow_registered_model_tags WHERE model_key = ?", arguments: [key])
            try db.execute(sql: "DELETE FROM mlflow_registered_models WHERE model_key = ?", arguments: [key])
        }
    }

    public func setModelTag(name: String, _ tag: KeyValue) async throws {
        try await store.database.write { db in
            try Self.modelTags.upsert(db, owner: try Self.modelKey(db, name), tag)
        }
    }

    public func deleteModelTag(name: String, key: String) async throws {
        try await store.database.write { db in
            try db.execute(sql: "DELETE FROM mlflow_registered_model_tags WHERE model_key = ? AND key = ?", arguments: [try Self.modelKey(db, name), key])
        }
    }

    public func models(filter: SearchFilter, order: [SearchOrder], offset: Int, limit: Int) async throws -> [RegisteredModel] {
        let (condition, conditionArguments) = try SQLiteSearch.condition(filter, SearchTables.registeredModels)
        let (ordering, orderArguments) = try SQLiteSearch.order(order, SearchTables.registeredModels, fallback: "rm.name ASC")
        return try await store.database.read { db in
            try SQLiteSearch.withCaseSensitiveLike(db) {
                try Self.models(db, where: condition, conditionArguments, orderBy: ordering, orderArguments, limit: limit, offset: offset)
            }
        }
    }

    public func createVersion(_ draft: ModelVersionDraft) async throws -> ModelVersion {
        try await store.database.write { db in
            let key = try Self.modelKey(db, draft.name)
            let now = TrackingRules.now()
            let id = TrackingRules.newID()
            // The number is decided inside this one statement; UNIQUE (model_key, version) backs it.
            try db.execute(sql: """
                INSERT INTO mlflow_model_versions (version_id, model_key, version, creation_timestamp, last_updated_timestamp, description,
                    user_id, current_stage, source, run_id, run_link, status, storage_location, model_id)
                SELECT ?, ?, COALESCE(MAX(version), 0) + 1, ?, ?, ?, ?, 'None', ?, ?, ?, 'READY', ?, ?
                FROM mlflow_model_versions WHERE model_key = ?
                """, arguments: [id, key, now, now, draft.description ?? "", draft.userID, draft.source, draft.runID, draft.runLink ?? "",
                                 draft.storageLocation, draft.modelID, key])
            for tag in draft.tags { try Self.versionTags.upsert(db, owner: id, tag) }
            try db.execute(sql: "UPDATE mlflow_registered_models SET last_updated_timestamp = ? WHERE model_key = ?", arguments: [now, key])
            guard let created = try Self.versions(db, where: "mv.version_id = ?", [id]).first else {
                throw TrackingError.notFound("Model version of \(draft.name) vanished")
            }
            return created
        }
    }

    public func version(name: String, version: Int64) async throws -> ModelVersion? {
        try await store.database.read { db in try Self.versions(db, where: "rm.name = ? AND mv.version = ?", [name, version]).first }
    }

    public func updateVersion(name: String, version: Int64, description: String) async throws -> ModelVersion {
        try await store.database.write { db in
            let id = try Self.versionID(db, name, version)
            try db.execute(sql: "UPDATE mlflow_model_versions SET description = ?, last_updated_timestamp = ? WHERE version_id = ?",
                           arguments: [description, TrackingRules.now(), id])
            return try Self.requireVersion(db, id)
        }
    }

    public func transition(name: String, version: Int64, stage: String, archiveOthers: Bool) async throws -> ModelVersion {
        try await store.database.write { db in
            let id = try Self.versionID(db, name, version)
            let now = TrackingRules.now()
            if archiveOthers, stage == "Staging" || stage == "Production" {
                try db.execute(sql: """
                    UPDATE mlflow_model_versions SET current_stage = 'Archived', last_updated_timestamp = ?
                    WHERE model_key = (SELECT model_key FROM mlflow_model_versions WHERE version_id = ?) AND current_stage = ? AND version_id <> ?
                    """, arguments: [now, id, stage, id])
            }
            try db.execute(sql: "UPDATE mlflow_model_versions SET current_stage = ?, last_updated_timestamp = ? WHERE version_id = ?",
                           arguments: [stage, now, id])
            return try Self.requireVersion(db, id)
        }
    }

    public func deleteVersion(name: String, version: Int64) async throws {
        try await store.database.write { db in
            let id = try Self.versionID(db, name, version)
            try db.execute(sql: "DELETE FROM mlflow_registered_model_aliases WHERE version_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM mlflow_model_version_tags WHERE version_id = ?", arguments: [id])
            try db.execute(sql: "UPDATE mlflow_model_versions SET current_stage = ?, last_updated_timestamp = ? WHERE version_id = ?",
                           arguments: [ModelVersion.deletedStage, TrackingRules.now(), id])
        }
    }

    public func setVersionTag(name: String, version: Int64, _ tag: KeyValue) async throws {
        try await store.database.write { db in
            try Self.versionTags.upsert(db, owner: try Self.versionID(db, name, version), tag)
        }
    }

    public func deleteVersionTag(name: String, version: Int64, key: String) async throws {
        try await store.database.write { db in
            try db.execute(sql: "DELETE FROM mlflow_model_version_tags WHERE version_id = ? AND key = ?",
                           arguments: [try Self.versionID(db, name, version), key])
        }
    }

    public func versions(filter: SearchFilter, order: [SearchOrder], offset: Int, limit: Int) async throws -> [ModelVersion] {
        let (condition, conditionArguments) = try SQLiteSearch.condition(filter, SearchTables.modelVersions)
        let (ordering, orderArguments) = try SQLiteSearch.order(order, SearchTables.modelVersions, fallback: "rm.name ASC, mv.version DESC")
        return try await store.database.read { db in
            try SQLiteSearch.withCaseSensitiveLike(db) {
                try Self.versions(db, where: condition, conditionArguments, orderBy: ordering, orderArguments, limit: limit, offset: offset)
            }
        }
    }

    public func latestVersions(name: String, stages: [String]) async throws -> [ModelVersion] {
        try await store.database.read { db in
            _ = try Self.modelKey(db, name)
            return try Self.latest(db, names: [name])[name, default: []].filter { stages.isEmpty || stages.contains($0.currentStage) }
        }
    }

    public func setAlias(name: String, alias: String, version: Int64) async throws {
        try await store.database.write { db in
            let key = try Self.modelKey(db, name)
            let id = try Self.versionID(db, name, version)
            try db.execute(sql: """
                INSERT INTO mlflow_registered_model_aliases (model_key, alias, version_id) VALUES (?, ?, ?)
                ON CONFLICT (model_key, alias) DO UPDATE SET version_id = excluded.version_id
                """, arguments: [key, alias, id])
        }
    }

    public func deleteAlias(name: String, alias: String) async throws {
        try await store.database.write { db in
            try db.execute(sql: "DELETE FROM mlflow_registered_model_aliases WHERE model_key = ? AND alias = ?", arguments: [try Self.modelKey(db, name), alias])
        }
    }

    public func version(name: String, alias: String) async throws -> ModelVersion? {
        try await store.database.read { db in
            try Self.versions(db, where: "mv.version_id = (SELECT a.version_id FROM mlflow_registered_model_aliases a WHERE a.model_key = rm.model_key AND a.alias = ?) AND rm.name = ?",
                              [alias, name]).first
        }
    }
}
