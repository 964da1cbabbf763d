import PostgresNIO
import Storage

/// `ModelRegistryRepository` on PostgreSQL, shared by every replica. A new version takes its
/// number while holding its model's row, so replicas registering versions of one model at
/// once get consecutive numbers; a name is unique by constraint.
public struct PostgresModelRegistryRepository: ModelRegistryRepository {
    let store: PostgresStore

    /// The registry of `store`, whose migrations must include `TrackingMigrations.postgres`.
    public init(store: PostgresStore) { self.store = store }

    public func createModel(name: String, description: String?, tags: [KeyValue]) async throws -> RegisteredModel {
        do {
            return try await store.transaction { connection in
                let now = TrackingRules.now()
                let key = TrackingRules.newID()
                _ = try await store.rows("""
                    INSERT INTO mlflow_registered_models (model_key, name, creation_timestamp, last_updated_timestamp, description)
                    VALUES (\(key), \(name), \(now), \(now), \(description))
                    """, on: connection)
                for tag in tags { try await Self.modelTags.upsert(owner: key, tag, store: store, on: connection) }
                return try await requireModel(connection, name)
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "mlflow_registered_models") {
            throw TrackingError.alreadyExists("Registered Model (name=\(name)) already exists.")
        }
    }

    public func model(name: String) async throws -> RegisteredModel? {
        try await store.withConnection { connection in try await model(connection, name) }
    }

    public func renameModel(name: String, to newName: String) async throws -> RegisteredModel {
        do {
            return try await store.transaction { connection in
                let key = try await modelKey(connection, name)
                _ = try await store.rows("""
                    UPDATE mlflow_registered_models SET name = \(newName), last_updated_timestamp = \(TrackingRules.now()) WHERE model_key = \(key)
                    """, on: connection)
                return try await requireModel(connection, newName)
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "mlflow_registered_models") {
            throw TrackingError.alreadyExists("Registered Model (name=\(newName)) already exists.")
        }
    }

    public func updateModel(name: String, description: String) async throws -> RegisteredModel {
        try await store.transaction { connection in
            let key = try await modelKey(connection, name)
            _ = try await store.rows("""
                UPDATE mlflow_registered_models SET description = \(description), last_updated_timestamp = \(TrackingRules.now()) WHERE model_key = \(key)
                """, on: connection)
            return try await requireModel(connection, name)
        }
    }

    /// The versions, tags and aliases go with the model (the foreign keys cascade).
    public func deleteModel(name: String) async throws {
        try await store.transaction { connection in
            let key = try await modelKey(connection, name, locking: true)
            _ = try await store.rows("DELETE FROM mlflow_registered_models WHERE model_key = \(key)", on: connection)
        }
    }

    public func setModelTag(name: String, _ tag: KeyValue) async throws {
        try await store.transaction { connection in
            try await Self.modelTags.upsert(owner: try await modelKey(connection, name, locking: true), tag, store: store, on: connection)
        }
    }

    public func deleteModelTag(name: String, key: String) async throws {
        try await store.transaction { connection in
            _ = try await Self.modelTags.delete(owner: try await modelKey(connection, name), key: key, store: store, on: connection)
        }
    }

    public func models(filter: SearchFilter, order: [SearchOrder], offset: Int, limit: Int) async throws -> [RegisteredModel] {
        var statement = PostgresStatement()
        let condition = try PostgresSearch.condition(filter, SearchTables.registeredModels, into: &statement)
        let ordering = try PostgresSearch.order(order, SearchTables.registeredModels, fallback: "rm.name COLLATE \"C\" ASC", into: &statement)
        return try await store.withConnection { connection in
            try await models(connection, statement, where: condition, orderBy: ordering, limit: limit, offset: offset)
        }
    }

    public func createVersion(_ draft: ModelVersionDraft) async throws -> ModelVersion {
        try await store.transaction { connection in
            // Holding the model's row until commit: the next replica's number is read after this one's is in.
            let key = try await modelKey(connection, draft.name, locking: true)
            let now = TrackingRules.now()
            let id = TrackingRules.newID()
            _ = try await store.rows("""
                INSERT INTO mlflow_model_versions (version_id, model_key, version, creation_timestamp, last_updated_timestamp, description,
                    user_id, current_stage, source, run_id, run_link, status, storage_location, model_id)
                SELECT \(id), \(key), COALESCE(MAX(version), 0) + 1, \(now), \(now), \(draft.description ?? ""), \(draft.userID), 'None',
                    \(draft.source), \(draft.runID), \(draft.runLink ?? ""), 'READY', \(draft.storageLocation), \(draft.modelID)
                FROM mlflow_model_versions WHERE model_key = \(key)
                """, on: connection)
            for tag in draft.tags { try await Self.versionTags.upsert(owner: id, tag, store: store, on: connection) }
            _ = try await store.rows("UPDATE mlflow_registered_models SET last_updated_timestamp = \(now) WHERE model_key = \(key)", on: connection)
            return try await requireVersion(connection, id: id)
        }
    }

    public func version(name: String, version: Int64) async throws -> ModelVersion? {
        var statement = PostgresStatement()
        let condition = "rm.name = \(statement.bind(name)) AND mv.version = \(statement.bind(version))"
        return try await store.withConnection { connection in try await versions(connection, statement, where: condition).first }
    }

    public func updateVersion(name: String, version: Int64, description: String) async throws -> ModelVersion {
        try await store.transaction { connection in
            let id = try await versionID(connection, name, version)
            _ = try await store.rows("""
                UPDATE mlflow_model_versions SET description = \(description), last_updated_timestamp = \(TrackingRules.now()) WHERE version_id = \(id)
                """, on: connection)
            return try await requireVersion(connection, id: id)
        }
    }

    public func transition(name: String, version: Int64, stage: String, archiveOthers: Bool) async throws -> ModelVersion {
        try await store.transaction { connection in
            // The model's row is held so that two transitions into one stage leave one version there.
            _ = try await modelKey(connection, name, locking: true)
            let id = try await versionID(connection, name, version)
            let now = TrackingRules.now()
            if archiveOthers, stage == "Staging" || stage == "Production" {
                _ = try await store.rows("""
                    UPDATE mlflow_model_versions SET current_stage = 'Archived', last_updated_timestamp = \(now)
                    WHERE model_key = (SELECT model_key FROM mlflow_model_versions WHERE version_id = \(id))
                      AND current_stage = \(stage) AND version_id <> \(id)
                    """, on: connection)
            }
            _ = try await store.rows("""
                UPDATE mlflow_model_versions SET current_stage = \(stage), last_updated_timestamp = \(now) WHERE version_id = \(id)
                """, on: connection)
            return try await requireVersion(connection, id: id)
        }
    }

    /// The version stays as a row in the deleted stage, its tags and aliases gone.
    public func deleteVersion(name: String, version: Int64) async throws {
        try await store.transaction { connection in
            let id = try await versionID(connection, name, version)
            _ = try await store.rows("DELETE FROM mlflow_registered_model_aliases WHERE version_id = \(id)", on: connection)
            _ = try await store.rows("DELETE FROM mlflow_model_version_tags WHERE version_id = \(id)", on: connection)
            _ = try await store.rows("""
                UPDATE mlflow_model_versions SET current_stage = \(ModelVersion.deletedStage), last_updated_timestamp = \(TrackingRules.now())
                WHERE version_id = \(id)
                """, on: connection)
        }
    }

    public func setVersionTag(name: String, version: Int64, _ tag: KeyValue) async throws {
        try await store.transaction { connection in
            try await Self.versionTags.upsert(owner: try await versionID(connection, name, version, locking: true), tag, store: store, on: connection)
        }
    }

    public func deleteVersionTag(name: String, version: Int64, key: String) async throws {
        try await store.transaction { connection in
            _ = try await Self.versionTags.delete(owner: try await versionID(connection, name, version), key: key, store: store, on: connection)
        }
    }

    public func versions(filter: SearchFilter, order: [SearchOrder], offset: Int, limit: Int) async throws -> [ModelVersion] {
        var statement = PostgresStatement()
        let condition = try PostgresSearch.condition(filter, SearchTables.modelVersions, into: &statement)
        let ordering = try PostgresSearch.order(order, SearchTables.modelVersions, fallback: "rm.name COLLATE \"C\" ASC, mv.version DESC",
                                                into: &statement)
        return try await store.withConnection { connection in
            try await versions(connection, statement, where: condition, orderBy: ordering, limit: limit, offset: offset)
        }
    }

    public func latestVersions(name: String, stages: [String]) async throws -> [ModelVersion] {
        try await store.withConnection { connection in
            _ = try await modelKey(connection, name)
            return try await latest(connection, names: [name])[name, default: []].filter { stages.isEmpty || stages.contains($0.currentStage) }
        }
    }

    public func setAlias(name: String, alias: String, version: Int64) async throws {
        try await store.transaction { connection in
            let key = try await modelKey(connection, name, locking: true)
            let id = try await versionID(connection, name, version)
            _ = try await store.rows("""
                INSERT INTO mlflow_registered_model_aliases (model_key, alias, version_id) VALUES (\(key), \(alias), \(id))
                ON CONFLICT (model_key, alias) DO UPDATE SET version_id = excluded.version_id
                """, on: connection)
        }
    }

    public func deleteAlias(name: String, alias: String) async throws {
        try await store.transaction { connection in
            let key = try await modelKey(connection, name)
            _ = try await store.rows("DELETE FROM mlflow_registered_model_aliases WHERE model_key = \(key) AND alias = \(alias)", on: connection)
        }
    }

    public func version(name: String, alias: String) async throws -> ModelVersion? {
        var statement = PostgresStatement()
        let (aliasMark, nameMark) = (statement.bind(alias), statement.bind(name))
        let condition = """
            mv.version_id = (SELECT a.version_id FROM mlflow_registered_model_aliases a WHERE a.model_key = rm.model_key AND a.alias = \(aliasMark))
            AND rm.name = \(nameMark)
            """
        return try await store.withConnection { connection in try await versions(connection, statement, where: condition).first }
    }
}
