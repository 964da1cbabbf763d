import PostgresNIO
import Storage

/// `ExperimentRepository` on PostgreSQL, shared by every replica: the name's UNIQUE
/// constraint decides a taken name whichever replica writes, and ids come from the table's
/// identity column.
public struct PostgresExperimentRepository: ExperimentRepository {
    let store: PostgresStore

    /// The experiments of `store`, whose migrations must include `TrackingMigrations.postgres`.
    public init(store: PostgresStore) { self.store = store }

    public func create(name: String, artifactLocation: String?, tags: [KeyValue], now: Int64) async throws -> Int64 {
        do {
            return try await store.transaction { connection in
                guard let id = try await store.rows("""
                    INSERT INTO mlflow_experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                    VALUES (\(name), '', 'active', \(now), \(now)) RETURNING experiment_id
                    """, on: connection).first?.decode(Int64.self) else { throw TrackingError.invalidParameter("the experiment could not be created") }
                let location = artifactLocation ?? "mlflow-artifacts:/\(id)"
                _ = try await store.rows("UPDATE mlflow_experiments SET artifact_location = \(location) WHERE experiment_id = \(id)", on: connection)
                for tag in tags {
                    _ = try await store.rows("INSERT INTO mlflow_experiment_tags (experiment_id, key, value) VALUES (\(id), \(tag.key), \(tag.value))", on: connection)
                }
                return id
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "mlflow_experiments") {
            throw TrackingError.alreadyExists("Experiment(name=\(name)) already exists.")
        } catch let error where ConstraintViolation(error) == .duplicate(table: "mlflow_experiment_tags") {
            throw TrackingError.invalidParameter("a tag key appears twice")
        }
    }

    public func experiment(id: Int64) async throws -> Experiment? {
        try await assemble(store.rows("SELECT * FROM mlflow_experiments WHERE experiment_id = \(id)")).first
    }

    public func experiment(named name: String) async throws -> Experiment? {
        try await assemble(store.rows("SELECT * FROM mlflow_experiments WHERE name = \(name)")).first
    }

    public func experiments(view: ViewType, filter: SearchFilter, order: [SearchOrder], offset: Int, limit: Int) async throws -> [Experiment] {
        var statement = PostgresStatement()
        let stages = statement.bind(view.stages)
        let condition = try PostgresSearch.condition(filter, SearchTables.experiments, into: &statement)
        let ordering = try PostgresSearch.order(order, SearchTables.experiments, fallback: "e.creation_time DESC, e.experiment_id DESC", into: &statement)
        let limitMark = statement.bind(Int64(max(0, limit))), offsetMark = statement.bind(Int64(max(0, offset)))
        return try await assemble(store.rows(statement.query("""
            SELECT e.* FROM mlflow_experiments e WHERE e.lifecycle_stage = ANY(\(stages)) AND \(condition)
            ORDER BY \(ordering) LIMIT \(limitMark) OFFSET \(offsetMark)
            """)))
    }

    public func rename(id: Int64, to name: String, now: Int64) async throws -> Bool {
        do {
            return try await !store.rows("""
                UPDATE mlflow_experiments SET name = \(name), last_update_time = \(now) WHERE experiment_id = \(id) RETURNING experiment_id
                """).isEmpty
        } catch let error where ConstraintViolation(error) == .duplicate(table: "mlflow_experiments") {
            throw TrackingError.alreadyExists("Experiment(name=\(name)) already exists.")
        }
    }

    public func setLifecycle(id: Int64, stage: String, now: Int64) async throws -> Bool {
        try await store.transaction { connection in
            guard try await !store.rows("""
                UPDATE mlflow_experiments SET lifecycle_stage = \(stage), last_update_time = \(now) WHERE experiment_id = \(id) RETURNING experiment_id
                """, on: connection).isEmpty else { return false }
            _ = try await store.rows("UPDATE mlflow_runs SET lifecycle_stage = \(stage) WHERE experiment_id = \(id)", on: connection)
            return true
        }
    }

    public func setTag(id: Int64, _ tag: KeyValue) async throws -> Bool {
        do {
            _ = try await store.rows("""
                INSERT INTO mlflow_experiment_tags (experiment_id, key, value) VALUES (\(id), \(tag.key), \(tag.value))
                ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value
                """)
            return true
        } catch let error where ConstraintViolation(error) == .missingReference {
            return false
        }
    }

    public func deleteTag(id: Int64, key: String) async throws -> Bool {
        try await !store.rows("DELETE FROM mlflow_experiment_tags WHERE experiment_id = \(id) AND key = \(key) RETURNING key").isEmpty
    }

    /// The experiments of `rows` with their tags, read in one more query.
    func assemble(_ rows: [PostgresRow]) async throws -> [Experiment] {
        guard !rows.isEmpty else { return [] }
        let ids = try rows.map { try $0.makeRandomAccess()["experiment_id"].decode(Int64.self) }
        let tags = try postgresPairs(await store.rows("""
            SELECT experiment_id::TEXT, key, value FROM mlflow_experiment_tags WHERE experiment_id = ANY(\(ids)) ORDER BY key COLLATE "C"
            """))
        return try zip(rows, ids).map { row, id in try Experiment(postgres: row, tags: tags[String(id)] ?? []) }
    }
}
