import GRDB

/// How the registry's rows are read and assembled (tags, aliases, latest versions).
extension SQLiteModelRegistryRepository {
    static func modelKey(_ db: Database, _ name: String) throws -> String {
        guard let key = try String.fetchOne(db, sql: "SELECT model_key FROM mlflow_registered_models WHERE name = ?", arguments: [name]) else {
            throw TrackingError.notFound("Registered Model with name=\(name) not found")
        }
        return key
    }

    static func versionID(_ db: Database, _ name: String, _ version: Int64) throws -> String {
        guard let id = try String.fetchOne(db, sql: """
            SELECT mv.version_id FROM mlflow_model_versions mv JOIN mlflow_registered_models rm ON rm.model_key = mv.model_key
            WHERE rm.name = ? AND mv.version = ? AND mv.current_stage <> ?
            """, arguments: [name, version, ModelVersion.deletedStage]) else {
            throw TrackingError.notFound("Model Version (name=\(name), version=\(version)) not found")
        }
        return id
    }

    static func requireModel(_ db: Database, _ name: String) throws -> RegisteredModel {
        guard let model = try models(db, where: "rm.name = ?", [name]).first else { throw TrackingError.notFound("Registered Model with name=\(name) not found") }
        return model
    }

    static func requireVersion(_ db: Database, _ id: String) throws -> ModelVersion {
        guard let version = try versions(db, where: "mv.version_id = ?", [id]).first else { throw TrackingError.notFound("Model version not found") }
        return version
    }

    static let modelTags = KeyValueTable(name: "mlflow_registered_model_tags", ownerColumn: "model_key")
    static let versionTags = KeyValueTable(name: "mlflow_model_version_tags", ownerColumn: "version_id")

    static func models(_ db: Database, where condition: String, _ arguments: StatementArguments, orderBy: String = "rm.name ASC",
                       _ orderArguments: StatementArguments = [], limit: Int = 1_000_000, offset: Int = 0) throws -> [RegisteredModel] {
        let records = try RegisteredModelRecord.fetchAll(db, sql: """
            SELECT rm.* FROM mlflow_registered_models rm WHERE \(condition) ORDER BY \(orderBy) LIMIT ? OFFSET ?
            """, arguments: arguments + orderArguments + [limit, offset])
        guard !records.isEmpty else { return [] }
        let keys = records.map(\.modelKey)
        let marks = keys.map { _ in "?" }.joined(separator: ", ")
        let tags = try modelTags.pairs(db, owners: keys)
        let aliases = Dictionary(grouping: try AliasRecord.fetchAll(db, sql: """
            SELECT a.model_key, a.alias, mv.version FROM mlflow_registered_model_aliases a JOIN mlflow_model_versions mv ON mv.version_id = a.version_id
            WHERE a.model_key IN (\(marks)) ORDER BY a.alias
            """, arguments: StatementArguments(keys)), by: \.modelKey)
        let latest = try self.latest(db, names: records.map(\.name))
        return records.map { record in
            var model = RegisteredModel(name: record.name, creationTimestamp: record.creationTimestamp,
                                        lastUpdatedTimestamp: record.lastUpdatedTimestamp, description: record.description)
            model.tags = tags[record.modelKey] ?? []
            model.aliases = (aliases[record.modelKey] ?? []).map { ($0.alias, $0.version) }
            model.latestVersions = latest[record.name] ?? []
            return model
        }
    }

    /// The newest live version in each stage, per model name.
    static func latest(_ db: Database, names: [String]) throws -> [String: [ModelVersion]] {
        guard !names.isEmpty else { return [:] }
        let marks = names.map { _ in "?" }.joined(separator: ", ")
        let found = try versions(db, where: """
            rm.name IN (\(marks)) AND mv.version = (SELECT MAX(o.version) FROM mlflow_model_versions o
                WHERE o.model_key = mv.model_key AND o.current_stage = mv.current_stage)
            """, StatementArguments(names), orderBy: "rm.name, mv.version")
        return Dictionary(grouping: found, by: \.name)
    }

    static func versions(_ db: Database, where condition: String, _ arguments: StatementArguments, orderBy: String = "mv.version DESC",
                         _ orderArguments: StatementArguments = [], limit: Int = 1_000_000, offset: Int = 0) throws -> [ModelVersion] {
        let records = try ModelVersionRecord.fetchAll(db, sql: """
            SELECT mv.*, rm.name FROM mlflow_model_versions mv JOIN mlflow_registered_models rm ON rm.model_key = mv.model_key
            WHERE mv.current_stage <> '\(ModelVersion.deletedStage)' AND \(condition) ORDER BY \(orderBy) LIMIT ? OFFSET ?
            """, arguments: arguments + orderArguments + [limit, offset])
        guard !records.isEmpty else { return [] }
        let ids = records.map(\.versionID)
        let marks = ids.map { _ in "?" }.joined(separator: ", ")
        let tags = try versionTags.pairs(db, owners: ids)
        let aliases = Dictionary(grouping: try KeyValueRecord.fetchAll(db, sql: """
            SELECT version_id AS owner, alias AS key, '' AS value FROM mlflow_registered_model_aliases WHERE version_id IN (\(marks)) ORDER BY alias
            """, arguments: StatementArguments(ids)), by: \.owner)
        return records.map { record in
            var version = record.modelVersion
            version.tags = tags[record.versionID] ?? []
            version.aliases = (aliases[record.versionID] ?? []).map(\.key)
            return version
        }
    }
}

/// A row of `mlflow_registered_models`.
struct RegisteredModelRecord: Codable, FetchableRecord {
    var modelKey: String
    var name: String
    var creationTimestamp: Int64
    var lastUpdatedTimestamp: Int64
    var description: String?

    enum CodingKeys: String, CodingKey {
        case modelKey = "model_key", name, creationTimestamp = "creation_timestamp", lastUpdatedTimestamp = "last_updated_timestamp", description
    }
}

/// An alias with the number of the version it names.
struct AliasRecord: Codable, FetchableRecord {
    var modelKey: String
    var alias: String
    var version: Int64

    enum CodingKeys: String, CodingKey { case modelKey = "model_key", alias, version }
}

/// A row of `mlflow_model_versions` with its model's name.
struct ModelVersionRecord: Codable, FetchableRecord {
    var versionID: String
    var name: String
    var version: Int64
    var creationTimestamp: Int64
    var lastUpdatedTimestamp: Int64
    var description: String?
    var userID: String?
    var currentStage: String
    var source: String
    var runID: String?
    var runLink: String?
    var status: String
    var storageLocation: String?
    var modelID: String?

    enum CodingKeys: String, CodingKey {
        case versionID = "version_id", name, version, creationTimestamp = "creation_timestamp", lastUpdatedTimestamp = "last_updated_timestamp"
        case description, userID = "user_id", currentStage = "current_stage", source, runID = "run_id", runLink = "run_link", status
        case storageLocation = "storage_location", modelID = "model_id"
    }

    var modelVersion: ModelVersion {
        ModelVersion(name: name, version: version, creationTimestamp: creationTimestamp, lastUpdatedTimestamp: lastUpdatedTimestamp,
                     description: description, userID: userID, currentStage: currentStage, source: source, runID: runID, runLink: runLink,
                     status: status, storageLocation: storageLocation, modelID: modelID)
    }
}
