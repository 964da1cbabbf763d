import PostgresNIO
import Storage

/// `LoggedModelRepository` on PostgreSQL, shared by every replica; a param's first value is
/// decided by its primary key, as a run's is.
public struct PostgresLoggedModelRepository: LoggedModelRepository {
    let store: PostgresStore

    /// The logged models of `store`, whose migrations must include `TrackingMigrations.postgres`.
    public init(store: PostgresStore) { self.store = store }

    public func create(_ model: LoggedModel) async throws {
        try await store.transaction { connection in
            guard let stage = try await store.rows("""
                SELECT lifecycle_stage FROM mlflow_experiments WHERE experiment_id = \(model.experimentID) FOR SHARE
                """, on: connection).first?.decode(String.self) else {
                throw TrackingError.notFound("No Experiment with id=\(model.experimentID) exists")
            }
            guard stage == "active" else {
                throw TrackingError.invalidParameter("The experiment \(model.experimentID) must be in the 'active' state. Current state is \(stage).")
            }
            _ = try await store.rows("""
                INSERT INTO mlflow_logged_models (model_id, experiment_id, name, artifact_location, creation_timestamp, last_updated_timestamp,
                    status, status_message, model_type, source_run_id, lifecycle_stage)
                VALUES (\(model.id), \(model.experimentID), \(model.name), \(model.artifactLocation), \(model.creationTimestamp),
                        \(model.lastUpdatedTimestamp), \(model.status), \(model.statusMessage), \(model.modelType), \(model.sourceRunID),
                        \(model.lifecycleStage))
                """, on: connection)
            try await upsertTags(connection, id: model.id, model.tags)
            try await insertParams(connection, id: model.id, model.params)
        }
    }

    public func model(id: String) async throws -> LoggedModel? {
        try await assemble(store.rows("SELECT * FROM mlflow_logged_models WHERE model_id = \(id)")).first
    }

    public func setStatus(id: String, status: String, message: String?) async throws -> LoggedModel? {
        try await assemble(store.rows("""
            UPDATE mlflow_logged_models SET status = \(status), status_message = \(message), last_updated_timestamp = \(TrackingRules.now())
            WHERE model_id = \(id) RETURNING *
            """)).first
    }

    public func setTags(id: String, _ tags: [KeyValue]) async throws {
        try await store.transaction { connection in
            try await touch(connection, id)
            try await upsertTags(connection, id: id, tags)
        }
    }

    public func deleteTag(id: String, key: String) async throws {
        try await store.transaction { connection in
            try await touch(connection, id)
            guard try await !store.rows("DELETE FROM mlflow_logged_model_tags WHERE model_id = \(id) AND key = \(key) RETURNING key", on: connection).isEmpty else {
                throw TrackingError.notFound("No tag with key '\(key)' on logged model \(id)")
            }
        }
    }

    public func logParams(id: String, _ params: [KeyValue]) async throws {
        try await store.transaction { connection in
            try await touch(connection, id)
            try await insertParams(connection, id: id, params)
        }
    }

    public func delete(id: String) async throws -> Bool {
        try await !store.rows("""
            UPDATE mlflow_logged_models SET lifecycle_stage = 'deleted', last_updated_timestamp = \(TrackingRules.now()) WHERE model_id = \(id) RETURNING model_id
            """).isEmpty
    }

    public func models(experimentIDs: [Int64], filter: SearchFilter, order: [SearchOrder], offset: Int, limit: Int) async throws -> [LoggedModel] {
        guard !experimentIDs.isEmpty else { return [] }
        var statement = PostgresStatement()
        let experiments = statement.bind(experimentIDs)
        let condition = try PostgresSearch.condition(filter, SearchTables.loggedModels, into: &statement)
        let ordering = try PostgresSearch.order(order, SearchTables.loggedModels, fallback: "m.creation_timestamp DESC, m.model_id COLLATE \"C\"",
                                                into: &statement)
        let limitMark = statement.bind(Int64(max(0, limit))), offsetMark = statement.bind(Int64(max(0, offset)))
        return try await assemble(store.rows(statement.query("""
            SELECT m.* FROM mlflow_logged_models m
            WHERE m.experiment_id = ANY(\(experiments)) AND m.lifecycle_stage = 'active' AND \(condition)
            ORDER BY \(ordering) LIMIT \(limitMark) OFFSET \(offsetMark)
            """)))
    }

    /// Models with their tags, params and metrics, read in three more queries.
    func assemble(_ rows: [PostgresRow]) async throws -> [LoggedModel] {
        guard !rows.isEmpty else { return [] }
        var models = try rows.map(LoggedModel.init(postgres:))
        let ids = models.map(\.id)
        let tags = try postgresPairs(await store.rows("""
            SELECT model_id, key, value FROM mlflow_logged_model_tags WHERE model_id = ANY(\(ids)) ORDER BY key COLLATE "C"
            """))
        let params = try postgresPairs(await store.rows("""
            SELECT model_id, key, value FROM mlflow_logged_model_params WHERE model_id = ANY(\(ids)) ORDER BY key COLLATE "C"
            """))
        var metrics: [String: [Metric]] = [:]
        for row in try await store.rows("SELECT * FROM mlflow_metrics WHERE model_id = ANY(\(ids)) ORDER BY key COLLATE \"C\", step, timestamp") {
            let metric = try Metric(postgres: row)
            metrics[metric.modelID ?? "", default: []].append(metric)
        }
        for index in models.indices {
            models[index].tags = tags[models[index].id] ?? []
            models[index].params = params[models[index].id] ?? []
            models[index].metrics = metrics[models[index].id] ?? []
        }
        return models
    }

    /// Marks the model changed now, or `notFound` when there is none (its row held until the transaction ends).
    func touch(_ connection: PostgresConnection, _ id: String) async throws {
        guard try await !store.rows("""
            UPDATE mlflow_logged_models SET last_updated_timestamp = \(TrackingRules.now()) WHERE model_id = \(id) RETURNING model_id
            """, on: connection).isEmpty else { throw TrackingError.notFound("Logged model with ID '\(id)' not found.") }
    }

    func upsertTags(_ connection: PostgresConnection, id: String, _ tags: [KeyValue]) async throws {
        for tag in tags {
            _ = try await store.rows("""
                INSERT INTO mlflow_logged_model_tags (model_id, key, value) VALUES (\(id), \(tag.key), \(tag.value))
                ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value
                """, on: connection)
        }
    }

    /// Params are write-once, as a run's are: the same value again is fine, another is refused.
    func insertParams(_ connection: PostgresConnection, id: String, _ params: [KeyValue]) async throws {
        for param in params {
            if let existing = try await postgresLogWriteOnce(param, table: "mlflow_logged_model_params", ownerColumn: "model_id", owner: id,
                                                             store: store, on: connection) {
                throw TrackingError.invalidParameter("Changing param values is not allowed. Param with key='\(param.key)' was already logged with value='\(existing)' for logged model '\(id)'.")
            }
        }
    }
}
