import PostgresNIO
import Storage

/// How the registry's rows are read and assembled on PostgreSQL (tags, aliases, latest
/// versions), each on the connection of the caller's transaction or read.
extension PostgresModelRegistryRepository {
    static let modelTags = KeyValueTable(name: "mlflow_registered_model_tags", ownerColumn: "model_key")
    static let versionTags = KeyValueTable(name: "mlflow_model_version_tags", ownerColumn: "version_id")

    /// The key of the model named `name`, its row held until commit when `locking`.
    func modelKey(_ connection: PostgresConnection, _ name: String, locking: Bool = false) async throws -> String {
        var statement = PostgresStatement()
        let nameMark = statement.bind(name)
        guard let key = try await store.rows(statement.query("""
            SELECT model_key FROM mlflow_registered_models WHERE name = \(nameMark)\(locking ? " FOR UPDATE" : "")
            """), on: connection).first?.decode(String.self) else {
            throw TrackingError.notFound("Registered Model with name=\(name) not found")
        }
        return key
    }

    /// The id of a live version, its row held until commit when `locking`.
    func versionID(_ connection: PostgresConnection, _ name: String, _ version: Int64, locking: Bool = false) async throws -> String {
        var statement = PostgresStatement()
        let (nameMark, versionMark, deletedMark) = (statement.bind(name), statement.bind(version), statement.bind(ModelVersion.deletedStage))
        guard let id = try await store.rows(statement.query("""
            SELECT mv.version_id FROM mlflow_model_versions mv JOIN mlflow_registered_models rm ON rm.model_key = mv.model_key
            WHERE rm.name = \(nameMark) AND mv.version = \(versionMark) AND mv.current_stage <> \(deletedMark)\(locking ? " FOR UPDATE OF mv" : "")
            """), on: connection).first?.decode(String.self) else {
            throw TrackingError.notFound("Model Version (name=\(name), version=\(version)) not found")
        }
        return id
    }

    func model(_ connection: PostgresConnection, _ name: String) async throws -> RegisteredModel? {
        var statement = PostgresStatement()
        let condition = "rm.name = \(statement.bind(name))"
        return try await models(connection, statement, where: condition).first
    }

    func requireModel(_ connection: PostgresConnection, _ name: String) async throws -> RegisteredModel {
        guard let model = try await model(connection, name) else { throw TrackingError.notFound("Registered Model with name=\(name) not found") }
        return model
    }

    func requireVersion(_ connection: PostgresConnection, id: String) async throws -> ModelVersion {
        var statement = PostgresStatement()
        let condition = "mv.version_id = \(statement.bind(id))"
        guard let version = try await versions(connection, statement, where: condition).first else {
            throw TrackingError.notFound("Model version not found")
        }
        return version
    }

    /// Models matching `condition` (its values bound in `statement`) with their tags, aliases and latest versions.
    func models(_ connection: PostgresConnection, _ statement: PostgresStatement, where condition: String,
                orderBy: String = "rm.name COLLATE \"C\" ASC", limit: Int = 1_000_000, offset: Int = 0) async throws -> [RegisteredModel] {
        var statement = statement
        let limitMark = statement.bind(Int64(max(0, limit))), offsetMark = statement.bind(Int64(max(0, offset)))
        let rows = try await store.rows(statement.query("""
            SELECT rm.* FROM mlflow_registered_models rm WHERE \(condition) ORDER BY \(orderBy) LIMIT \(limitMark) OFFSET \(offsetMark)
            """), on: connection)
        guard !rows.isEmpty else { return [] }
        var keyed: [(key: String, model: RegisteredModel)] = []
        for row in rows {
            let columns = row.makeRandomAccess()
            keyed.append((try columns["model_key"].decode(String.self),
                          RegisteredModel(name: try columns["name"].decode(String.self),
                                          creationTimestamp: try columns["creation_timestamp"].decode(Int64.self),
                                          lastUpdatedTimestamp: try columns["last_updated_timestamp"].decode(Int64.self),
                                          description: try columns["description"].decode(String?.self))))
        }
        let keys = keyed.map(\.key)
        let tags = try await Self.modelTags.pairs(owners: keys, store: store, on: connection)
        var aliases: [String: [(String, Int64)]] = [:]
        for row in try await store.rows("""
            SELECT a.model_key, a.alias, mv.version FROM mlflow_registered_model_aliases a JOIN mlflow_model_versions mv ON mv.version_id = a.version_id
            WHERE a.model_key = ANY(\(keys)) ORDER BY a.alias COLLATE "C"
            """, on: connection) {
            let (key, alias, version) = try row.decode((String, String, Int64).self)
            aliases[key, default: []].append((alias, version))
        }
        let latest = try await self.latest(connection, names: keyed.map(\.model.name))
        return keyed.map { key, model in
            var model = model
            model.tags = tags[key] ?? []
            model.aliases = aliases[key] ?? []
            model.latestVersions = latest[model.name] ?? []
            return model
        }
    }

    /// The newest live version in each stage, per model name.
    func latest(_ connection: PostgresConnection, names: [String]) async throws -> [String: [ModelVersion]] {
        guard !names.isEmpty else { return [:] }
        var statement = PostgresStatement()
        let condition = """
            rm.name = ANY(\(statement.bind(names))) AND mv.version = (SELECT MAX(o.version) FROM mlflow_model_versions o
                WHERE o.model_key = mv.model_key AND o.current_stage = mv.current_stage)
            """
        let found = try await versions(connection, statement, where: condition, orderBy: "rm.name COLLATE \"C\", mv.version")
        return Dictionary(grouping: found, by: \.name)
    }

    /// Live versions matching `condition` (its values bound in `statement`) with their tags and aliases.
    func versions(_ connection: PostgresConnection, _ statement: PostgresStatement, where condition: String, orderBy: String = "mv.version DESC",
                  limit: Int = 1_000_000, offset: Int = 0) async throws -> [ModelVersion] {
        var statement = statement
        let deletedMark = statement.bind(ModelVersion.deletedStage)
        let limitMark = statement.bind(Int64(max(0, limit))), offsetMark = statement.bind(Int64(max(0, offset)))
        let rows = try await store.rows(statement.query("""
            SELECT mv.*, rm.name FROM mlflow_model_versions mv JOIN mlflow_registered_models rm ON rm.model_key = mv.model_key
            WHERE mv.current_stage <> \(deletedMark) AND \(condition) ORDER BY \(orderBy) LIMIT \(limitMark) OFFSET \(offsetMark)
            """), on: connection)
        guard !rows.isEmpty else { return [] }
        let identified = try rows.map { row in
            (id: try row.makeRandomAccess()["version_id"].decode(String.self), version: try ModelVersion(postgres: row))
        }
        let ids = identified.map(\.id)
        let tags = try await Self.versionTags.pairs(owners: ids, store: store, on: connection)
        var aliases: [String: [String]] = [:]
        for row in try await store.rows("""
            SELECT version_id, alias FROM mlflow_registered_model_aliases WHERE version_id = ANY(\(ids)) ORDER BY alias COLLATE "C"
            """, on: connection) {
            let (id, alias) = try row.decode((String, String).self)
            aliases[id, default: []].append(alias)
        }
        return identified.map { id, version in
            var version = version
            version.tags = tags[id] ?? []
            version.aliases = aliases[id] ?? []
            return version
        }
    }
}

extension ModelVersion {
    /// The version an `mlflow_model_versions` row (joined with its model's name) holds.
    init(postgres row: PostgresRow) throws {
        let columns = row.makeRandomAccess()
        self.init(name: try columns["name"].decode(String.self), version: try columns["version"].decode(Int64.self),
                  creationTimestamp: try columns["creation_timestamp"].decode(Int64.self),
                  lastUpdatedTimestamp: try columns["last_updated_timestamp"].decode(Int64.self),
                  description: try columns["description"].decode(String?.self), userID: try columns["user_id"].decode(String?.self),
                  currentStage: try columns["current_stage"].decode(String.self), source: try columns["source"].decode(String.self),
                  runID: try columns["run_id"].decode(String?.self), runLink: try columns["run_link"].decode(String?.self),
                  status: try columns["status"].decode(String.self), storageLocation: try columns["storage_location"].decode(String?.self),
                  modelID: try columns["model_id"].decode(String?.self))
    }
}
