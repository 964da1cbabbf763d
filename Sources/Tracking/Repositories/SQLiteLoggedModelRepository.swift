import GRDB
@_spi(SQLiteImplementation) import Storage

/// `LoggedModelRepository` in the shared SQLite database.
public struct SQLiteLoggedModelRepository: LoggedModelRepository {
    let store: StateStore
    static let tags = KeyValueTable(name: "mlflow_logged_model_tags", ownerColumn: "model_id")
    static let params = KeyValueTable(name: "mlflow_logged_model_params", ownerColumn: "model_id")

    /// The logged models of `store` (its migrations include `TrackingMigrations.set`).
    public init(store: StateStore) { self.store = store }

    public func create(_ model: LoggedModel) async throws {
        try await store.database.write { db in
            guard let stage = try String.fetchOne(db, sql: "SELECT lifecycle_stage FROM mlflow_experiments WHERE experiment_id = ?",
                                                  arguments: [model.experimentID]) else {
                throw TrackingError.notFound("No Experiment with id=\(model.experimentID) exists")
            }
            guard stage == "active" else {
                throw TrackingError.invalidParameter("The experiment \(model.experimentID) must be in the 'active' state. Current state is \(stage).")
            }
            try LoggedModelRecord(model).insert(db)
            for tag in model.tags { try Self.tags.upsert(db, owner: model.id, tag) }
            try Self.insertParams(db, id: model.id, model.params)
        }
    }

    public func model(id: String) async throws -> LoggedModel? {
        try await store.database.read { db in try Self.assemble(db, try LoggedModelRecord.fetchAll(db, keys: [id])).first }
    }

    public func setStatus(id: String, status: String, message: String?) async throws -> LoggedModel? {
        try await store.database.write { db in
            try db.execute(sql: """
                UPDATE mlflow_logged_models SET status = ?, status_message = ?, last_updated_timestamp = ? WHERE model_id = ?
                """, arguments: [status, message, TrackingRules.now(), id])
            guard db.changesCount > 0 else { return nil }
            return try Self.assemble(db, try LoggedModelRecord.fetchAll(db, keys: [id])).first
        }
    }

    public func setTags(id: String, _ tags: [KeyValue]) async throws {
        try await store.database.write { db in
            try Self.requireModel(db, id)
            for tag in tags { try Self.tags.upsert(db, owner: id, tag) }
            try Self.touch(db, id)
        }
    }

    public func deleteTag(id: String, key: String) async throws {
        try await store.database.write { db in
            try Self.requireModel(db, id)
            try db.execute(sql: "DELETE FROM mlflow_logged_model_tags WHERE model_id = ? AND key = ?", arguments: [id, key])
            guard db.changesCount > 0 else { throw TrackingError.notFound("No tag with key '\(key)' on logged model \(id)") }
            try Self.touch(db, id)
        }
    }

    public func logParams(id: String, _ params: [KeyValue]) async throws {
        try await store.database.write { db in
            try Self.requireModel(db, id)
            try Self.insertParams(db, id: id, params)
            try Self.touch(db, id)
        }
    }

    public func delete(id: String) async throws -> Bool {
        try await store.database.write { db in
            try db.execute(sql: "UPDATE mlflow_logged_models SET lifecycle_stage = 'deleted', last_updated_timestamp = ? WHERE model_id = ?",
                           arguments: [TrackingRules.now(), id])
            return db.changesCount > 0
        }
    }

    public func models(experimentIDs: [Int64], filter: SearchFilter, order: [SearchOrder], offset: Int, limit: Int) async throws -> [LoggedModel] {
        guard !experimentIDs.isEmpty else { return [] }
        let (condition, conditionArguments) = try SQLiteSearch.condition(filter, SearchTables.loggedModels)
        let (ordering, orderArguments) = try SQLiteSearch.order(order, SearchTables.loggedModels, fallback: "m.creation_timestamp DESC, m.model_id")
        return try await store.database.read { db in
            try SQLiteSearch.withCaseSensitiveLike(db) {
                let records = try LoggedModelRecord.fetchAll(db, sql: """
                    SELECT m.* FROM mlflow_logged_models m
                    WHERE m.experiment_id IN (\(experimentIDs.map { _ in "?" }.joined(separator: ", ")))
                      AND m.lifecycle_stage = 'active' AND \(condition)
                    ORDER BY \(ordering) LIMIT ? OFFSET ?
                    """, arguments: StatementArguments(experimentIDs) + conditionArguments + orderArguments + [limit, offset])
                return try Self.assemble(db, records)
            }
        }
    }

    /// Models with their tags, params and metrics, read in three queries.
    static func assemble(_ db: Database, _ records: [LoggedModelRecord]) throws -> [LoggedModel] {
        guard !records.isEmpty else { return [] }
        let ids = records.map(\.modelID)
        let marks = ids.map { _ in "?" }.joined(separator: ", ")
        let tags = try Self.tags.pairs(db, owners: ids), params = try Self.params.pairs(db, owners: ids)
        let metrics = Dictionary(grouping: try MetricRecord.fetchAll(db, sql: """
            SELECT * FROM mlflow_metrics WHERE model_id IN (\(marks)) ORDER BY key, step, timestamp
            """, arguments: StatementArguments(ids)), by: { $0.modelID ?? "" })
        return records.map { record in
            var model = record.model
            model.tags = tags[record.modelID] ?? []
            model.params = params[record.modelID] ?? []
            model.metrics = (metrics[record.modelID] ?? []).map(\.metric)
            return model
        }
    }

    static func requireModel(_ db: Database, _ id: String) throws {
        guard try LoggedModelRecord.exists(db, key: id) else { throw TrackingError.notFound("Logged model with ID '\(id)' not found.") }
    }

    static func touch(_ db: Database, _ id: String) throws {
        try db.execute(sql: "UPDATE mlflow_logged_models SET last_updated_timestamp = ? WHERE model_id = ?", arguments: [TrackingRules.now(), id])
    }

    /// Params are write-once, as a run's are: the same value again is fine, another is refused.
    static func insertParams(_ db: Database, id: String, _ params: [KeyValue]) throws {
        for param in params {
            try db.execute(sql: "INSERT INTO mlflow_logged_model_params (model_id, key, value) VALUES (?, ?, ?) ON CONFLICT (model_id, key) DO NOTHING",
                           arguments: [id, param.key, param.value])
            if db.changesCount == 0,
               let existing = try String.fetchOne(db, sql: "SELECT value FROM mlflow_logged_model_params WHERE model_id = ? AND key = ?", arguments: [id, param.key]),
               existing != param.value {
                throw TrackingError.invalidParameter("Changing param values is not allowed. Param with key='\(param.key)' was already logged with value='\(existing)' for logged model '\(id)'.")
            }
        }
    }
}

/// A row of `mlflow_logged_models`.
struct LoggedModelRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "mlflow_logged_models"
    var modelID: String
    var experimentID: Int64
    var name: String
    var artifactLocation: String
    var creationTimestamp: Int64
    var lastUpdatedTimestamp: Int64
    var status: String
    var statusMessage: String?
    var modelType: String
    var sourceRunID: String
    var lifecycleStage: String

    enum CodingKeys: String, CodingKey {
        case modelID = "model_id", experimentID = "experiment_id", name, artifactLocation = "artifact_location"
        case creationTimestamp = "creation_timestamp", lastUpdatedTimestamp = "last_updated_timestamp", status
        case statusMessage = "status_message", modelType = "model_type", sourceRunID = "source_run_id", lifecycleStage = "lifecycle_stage"
    }

    init(_ model: LoggedModel) {
        modelID = model.id; experimentID = model.experimentID; name = model.name; artifactLocation = model.artifactLocation
        creationTimestamp = model.creationTimestamp; lastUpdatedTimestamp = model.lastUpdatedTimestamp; status = model.status
        statusMessage = model.statusMessage; modelType = model.modelType; sourceRunID = model.sourceRunID; lifecycleStage = model.lifecycleStage
    }

    var model: LoggedModel {
        LoggedModel(id: modelID, experimentID: experimentID, name: name, artifactLocation: artifactLocation, creationTimestamp: creationTimestamp,
                    lastUpdatedTimestamp: lastUpdatedTimestamp, status: status, statusMessage: statusMessage, modelType: modelType,
                    sourceRunID: sourceRunID, lifecycleStage: lifecycleStage)
    }
}
