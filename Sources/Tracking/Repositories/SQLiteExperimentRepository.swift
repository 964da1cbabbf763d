import GRDB
@_spi(SQLiteImplementation) import Storage

/// `ExperimentRepository` in the shared SQLite database.
public struct SQLiteExperimentRepository: ExperimentRepository {
    let store: StateStore

    /// The experiments of `store` (its migrations include `TrackingMigrations.set`).
    public init(store: StateStore) { self.store = store }

    public func create(name: String, artifactLocation: String?, tags: [KeyValue], now: Int64) async throws -> Int64 {
        do {
            return try await store.database.write { db in
                guard let id = try Int64.fetchOne(db, sql: """
                    INSERT INTO mlflow_experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                    VALUES (?, '', 'active', ?, ?) RETURNING experiment_id
                    """, arguments: [name, now, now]) else { throw TrackingError.invalidParameter("the experiment could not be created") }
                try db.execute(sql: "UPDATE mlflow_experiments SET artifact_location = ? WHERE experiment_id = ?",
                               arguments: [artifactLocation ?? "mlflow-artifacts:/\(id)", id])
                for tag in tags {
                    try db.execute(sql: "INSERT INTO mlflow_experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)",
                                   arguments: [id, tag.key, tag.value])
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
        try await store.database.read { db in
            try ExperimentRecord.fetchOne(db, sql: "SELECT * FROM mlflow_experiments WHERE experiment_id = ?", arguments: [id])
                .map { try $0.experiment(tags: Self.tags(db, [$0.id])[$0.id] ?? []) }
        }
    }

    public func experiment(named name: String) async throws -> Experiment? {
        try await store.database.read { db in
            try ExperimentRecord.fetchOne(db, sql: "SELECT * FROM mlflow_experiments WHERE name = ?", arguments: [name])
                .map { try $0.experiment(tags: Self.tags(db, [$0.id])[$0.id] ?? []) }
        }
    }

    public func experiments(view: ViewType, filter: SearchFilter, order: [SearchOrder], offset: Int, limit: Int) async throws -> [Experiment] {
        let (condition, conditionArguments) = try SQLiteSearch.condition(filter, SearchTables.experiments)
        let (ordering, orderArguments) = try SQLiteSearch.order(order, SearchTables.experiments, fallback: "e.creation_time DESC, e.experiment_id DESC")
        return try await store.database.read { db in
            try SQLiteSearch.withCaseSensitiveLike(db) {
                let stages = view.stages
                let records = try ExperimentRecord.fetchAll(db, sql: """
                    SELECT e.* FROM mlflow_experiments e
                    WHERE e.lifecycle_stage IN (\(stages.map { _ in "?" }.joined(separator: ", "))) AND \(condition)
                    ORDER BY \(ordering) LIMIT ? OFFSET ?
                    """, arguments: StatementArguments(stages) + conditionArguments + orderArguments + [limit, offset])
                let tags = try Self.tags(db, records.map(\.id))
                return records.map { $0.experiment(tags: tags[$0.id] ?? []) }
            }
        }
    }

    public func rename(id: Int64, to name: String, now: Int64) async throws -> Bool {
        do {
            return try await store.database.write { db in
                try db.execute(sql: "UPDATE mlflow_experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?", arguments: [name, now, id])
                return db.changesCount > 0
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "mlflow_experiments") {
            throw TrackingError.alreadyExists("Experiment(name=\(name)) already exists.")
        }
    }

    public func setLifecycle(id: Int64, stage: String, now: Int64) async throws -> Bool {
        try await store.database.write { db in
            try db.execute(sql: "UPDATE mlflow_experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?",
                           arguments: [stage, now, id])
            guard db.changesCount > 0 else { return false }
            try db.execute(sql: "UPDATE mlflow_runs SET lifecycle_stage = ? WHERE experiment_id = ?", arguments: [stage, id])
            return true
        }
    }

    public func setTag(id: Int64, _ tag: KeyValue) async throws -> Bool {
        try await store.database.write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM mlflow_experiments WHERE experiment_id = ?", arguments: [id]) != nil else { return false }
            try db.execute(sql: """
                INSERT INTO mlflow_experiment_tags (experiment_id, key, value) VALUES (?, ?, ?)
                ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value
                """, arguments: [id, tag.key, tag.value])
            return true
        }
    }

    public func deleteTag(id: Int64, key: String) async throws -> Bool {
        try await store.database.write { db in
            try db.execute(sql: "DELETE FROM mlflow_experiment_tags WHERE experiment_id = ? AND key = ?", arguments: [id, key])
            return db.changesCount > 0
        }
    }

    /// The tags of the experiments `ids`, by experiment, in key order.
    static func tags(_ db: Database, _ ids: [Int64]) throws -> [Int64: [KeyValue]] {
        guard !ids.isEmpty else { return [:] }
        let rows = try KeyValueRecord.fetchAll(db, sql: """
            SELECT CAST(experiment_id AS TEXT) AS owner, key, value FROM mlflow_experiment_tags
            WHERE experiment_id IN (\(ids.map { _ in "?" }.joined(separator: ", "))) ORDER BY key
            """, arguments: StatementArguments(ids))
        return Dictionary(grouping: rows) { Int64($0.owner) ?? -1 }.mapValues { $0.map { KeyValue(key: $0.key, value: $0.value) } }
    }
}
