import GRDB
@_spi(SQLiteImplementation) import Storage

/// `RunRepository` in the shared SQLite database.
public struct SQLiteRunRepository: RunRepository {
    let store: StateStore
    static let tags = KeyValueTable(name: "mlflow_run_tags", ownerColumn: "run_id")
    static let params = KeyValueTable(name: "mlflow_params", ownerColumn: "run_id")
    /// The tag that mirrors a run's name.
    static let nameTag = "mlflow.runName"

    /// The runs of `store` (its migrations include `TrackingMigrations.set`).
    public init(store: StateStore) { self.store = store }

    public func create(_ info: RunInfo, tags: [KeyValue]) async throws {
        try await store.database.write { db in
            guard let stage = try String.fetchOne(db, sql: "SELECT lifecycle_stage FROM mlflow_experiments WHERE experiment_id = ?",
                                                  arguments: [info.experimentID]) else {
                throw TrackingError.notFound("No Experiment with id=\(info.experimentID) exists")
            }
            guard stage == "active" else {
                throw TrackingError.invalidParameter("The experiment \(info.experimentID) must be in the 'active' state. Current state is \(stage).")
            }
            try db.execute(sql: """
                INSERT INTO mlflow_runs (run_id, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [info.runID, info.experimentID, info.name, info.userID, info.status, info.startTime, info.endTime,
                                 info.artifactURI, info.lifecycleStage])
            try Self.setTags(db, runID: info.runID, tags)
        }
    }

    public func run(id: String) async throws -> Run? {
        try await store.database.read { db in
            guard let record = try RunRecord.fetchOne(db, sql: "SELECT * FROM mlflow_runs WHERE run_id = ?", arguments: [id]) else { return nil }
            return try Self.assemble(db, [record]).first
        }
    }

    public func update(id: String, status: String?, endTime: Int64?, name: String?) async throws -> RunInfo? {
        try await store.database.write { db in
            try db.execute(sql: """
                UPDATE mlflow_runs SET status = COALESCE(?, status), end_time = COALESCE(?, end_time), name = COALESCE(?, name)
                WHERE run_id = ?
                """, arguments: [status, endTime, name, id])
            guard db.changesCount > 0 else { return nil }
            if let name { try Self.setTags(db, runID: id, [KeyValue(key: Self.nameTag, value: name)]) }
            return try RunRecord.fetchOne(db, sql: "SELECT * FROM mlflow_runs WHERE run_id = ?", arguments: [id])?.info
        }
    }

    public func setLifecycle(id: String, stage: String) async throws -> Bool {
        try await store.database.write { db in
            try db.execute(sql: "UPDATE mlflow_runs SET lifecycle_stage = ? WHERE run_id = ?", arguments: [stage, id])
            return db.changesCount > 0
        }
    }

    public func log(runID: String, metrics: [Metric], params: [KeyValue], tags: [KeyValue]) async throws {
        try await store.database.write { db in
            try Self.requireActive(db, runID)
            for param in params {
                try db.cachedStatement(sql: "INSERT INTO mlflow_params (run_id, key, value) VALUES (?, ?, ?) ON CONFLICT (run_id, key) DO NOTHING")
                    .execute(arguments: [runID, param.key, param.value])
                if db.changesCount == 0,
                   let existing = try String.fetchOne(db, sql: "SELECT value FROM mlflow_params WHERE run_id = ? AND key = ?", arguments: [runID, param.key]),
                   existing != param.value {
                    throw TrackingError.invalidParameter("Changing param values is not allowed. Param with key='\(param.key)' was already logged with value='\(existing)' for run ID='\(runID)'. Attempted logging new value '\(param.value)'.")
                }
            }
            // Every value goes into the history; only each key's newest one in the batch can
            // change the latest value, so one upsert per key, not per value.
            var newest: [String: Metric] = [:]
            for metric in metrics {
                let value: Double? = metric.value.isNaN ? nil : metric.value
                try db.cachedStatement(sql: """
                    INSERT INTO mlflow_metrics (run_id, key, value, is_nan, timestamp, step, model_id, dataset_name, dataset_digest)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [runID, metric.key, value, metric.value.isNaN, metric.timestamp, metric.step,
                                             metric.modelID, metric.datasetName, metric.datasetDigest])
                if let current = newest[metric.key], !Self.isNewer(metric, than: current) { continue }
                newest[metric.key] = metric
            }
            for metric in newest.values {
                // The latest value is the one with the highest (step, timestamp, value), as in MLflow,
                // decided in this one statement so concurrent writers cannot reorder it.
                let value: Double? = metric.value.isNaN ? nil : metric.value
                try db.cachedStatement(sql: """
                    INSERT INTO mlflow_latest_metrics (run_id, key, value, is_nan, timestamp, step) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value, is_nan = excluded.is_nan,
                        timestamp = excluded.timestamp, step = excluded.step
                    WHERE excluded.step > mlflow_latest_metrics.step
                       OR (excluded.step = mlflow_latest_metrics.step AND excluded.timestamp > mlflow_latest_metrics.timestamp)
                       OR (excluded.step = mlflow_latest_metrics.step AND excluded.timestamp = mlflow_latest_metrics.timestamp
                           AND COALESCE(excluded.value, 0) > COALESCE(mlflow_latest_metrics.value, 0))
                    """).execute(arguments: [runID, metric.key, value, metric.value.isNaN, metric.timestamp, metric.step])
            }
            try Self.setTags(db, runID: runID, tags)
            if let name = tags.last(where: { $0.key == Self.nameTag })?.value {
                try db.execute(sql: "UPDATE mlflow_runs SET name = ? WHERE run_id = ?", arguments: [name, runID])
            }
        }
    }

    /// MLflow's order for the latest value: step, then timestamp, then value (NaN as 0).
    static func isNewer(_ a: Metric, than b: Metric) -> Bool {
        if a.step != b.step { return a.step > b.step }
        if a.timestamp != b.timestamp { return a.timestamp > b.timestamp }
        return (a.value.isNaN ? 0 : a.value) > (b.value.isNaN ? 0 : b.value)
    }

    public func deleteTag(runID: String, key: String) async throws {
        try await store.database.write { db in
            try Self.requireActive(db, runID)
            try db.execute(sql: "DELETE FROM mlflow_run_tags WHERE run_id = ? AND key = ?", arguments: [runID, key])
            guard db.changesCount > 0 else {
                throw TrackingError.notFound("No tag with name: \(key) in run with id \(runID)")
            }
        }
    }

    public func metricHistory(runID: String, key: String, offset: Int, limit: Int) async throws -> [Metric] {
        try await store.database.read { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM mlflow_runs WHERE run_id = ?", arguments: [runID]) != nil else {
                throw TrackingError.notFound("Run with id=\(runID) not found")
            }
            return try MetricRecord.fetchAll(db, sql: """
                SELECT * FROM mlflow_metrics WHERE run_id = ? AND key = ? ORDER BY step, timestamp LIMIT ? OFFSET ?
                """, arguments: [runID, key, limit, offset]).map(\.metric)
        }
    }

    public func metricSteps(runID: String, key: String, within steps: ClosedRange<Int64>) async throws -> [Int64] {
        try await store.database.read { db in
            try Int64.fetchAll(db, sql: """
                SELECT DISTINCT step FROM mlflow_metrics WHERE run_id = ? AND key = ? AND step >= ? AND step <= ? ORDER BY step
                """, arguments: [runID, key, steps.lowerBound, steps.upperBound])
        }
    }

    public func metricValues(runID: String, key: String, atSteps steps: [Int64]) async throws -> [Metric] {
        guard !steps.isEmpty else { return [] }
        return try await store.database.read { db in
            var found: [Metric] = []
            // In slices, so a long list of steps never exceeds SQLite's bound-parameter limit.
            for start in stride(from: 0, to: steps.count, by: 500) {
                let slice = Array(steps[start..<min(start + 500, steps.count)])
                found += try MetricRecord.fetchAll(db, sql: """
                    SELECT * FROM mlflow_metrics WHERE run_id = ? AND key = ? AND step IN (\(slice.map { _ in "?" }.joined(separator: ", ")))
                    ORDER BY step, timestamp
                    """, arguments: [runID, key] + StatementArguments(slice)).map { record in
                    var metric = record.metric
                    metric.runID = runID
                    return metric
                }
            }
            return found
        }
    }

    public func runs(experimentIDs: [Int64], view: ViewType, filter: SearchFilter, order: [SearchOrder], offset: Int, limit: Int) async throws -> [Run] {
        guard !experimentIDs.isEmpty else { return [] }
        let stages = view.stages
        let scope = """
            r.experiment_id IN (\(experimentIDs.map { _ in "?" }.joined(separator: ", ")))
            AND r.lifecycle_stage IN (\(stages.map { _ in "?" }.joined(separator: ", ")))
            """
        let (condition, conditionArguments) = try SQLiteSearch.condition(filter, SearchTables.runs)
        let matching = RunPageQuery(where: "\(scope) AND \(condition)",
                                    arguments: StatementArguments(experimentIDs) + StatementArguments(stages) + conditionArguments)
        if let first = order.first, let indexed = SearchTables.runs.indexedOrderKey(first) {
            let (rest, restArguments) = try SQLiteSearch.order(Array(order.dropFirst()), SearchTables.runs, fallback: Self.searchFallbackOrder)
            return try await store.database.read { db in
                try SQLiteSearch.withCaseSensitiveLike(db) {
                    try Self.assemble(db, try matching.page(db, orderedBy: indexed, ascending: first.ascending, then: (rest, restArguments),
                                                            offset: offset, limit: limit))
                }
            }
        }
        let (ordering, orderArguments) = try SQLiteSearch.order(order, SearchTables.runs, fallback: Self.searchFallbackOrder)
        return try await store.database.read { db in
            try SQLiteSearch.withCaseSensitiveLike(db) {
                try Self.assemble(db, try matching.page(db, ordering: ordering, orderArguments, offset: offset, limit: limit))
            }
        }
    }

    /// Newest first, the id breaking ties: the order of `mlflow_runs_in_search_order`.
    static let searchFallbackOrder = "r.start_time DESC, r.run_id"

    /// Runs with their latest metrics, params and tags, read in three queries.
    static func assemble(_ db: Database, _ records: [RunRecord]) throws -> [Run] {
        guard !records.isEmpty else { return [] }
        let ids = records.map(\.runID)
        let marks = ids.map { _ in "?" }.joined(separator: ", ")
        let arguments = StatementArguments(ids)
        let params = try Self.params.pairs(db, owners: ids), tags = try Self.tags.pairs(db, owners: ids)
        let metrics = Dictionary(grouping: try MetricRecord.fetchAll(db, sql: "SELECT * FROM mlflow_latest_metrics WHERE run_id IN (\(marks)) ORDER BY key",
                                                                     arguments: arguments), by: \.runID)
        let datasets = try RunDatasetInputRecord.fetchAll(db, sql: """
            SELECT i.run_id, d.dataset_id, d.name, d.digest, d.source_type, d.source, d.schema, d.profile
            FROM mlflow_run_dataset_inputs i JOIN mlflow_datasets d ON d.dataset_id = i.dataset_id
            WHERE i.run_id IN (\(marks)) ORDER BY d.name, d.digest
            """, arguments: arguments)
        let inputTags = Dictionary(grouping: try RunDatasetInputTagRecord.fetchAll(db, sql: """
            SELECT run_id, dataset_id, key, value FROM mlflow_run_dataset_input_tags WHERE run_id IN (\(marks)) ORDER BY key
            """, arguments: arguments), by: { $0.runID + "/" + $0.datasetID })
        let inputs = Dictionary(grouping: datasets, by: \.runID)
        let modelInputs = Dictionary(grouping: try RunModelRecord.fetchAll(db, sql: """
            SELECT run_id, model_id, 0 AS step FROM mlflow_run_model_inputs WHERE run_id IN (\(marks)) ORDER BY model_id
            """, arguments: arguments), by: \.runID)
        let modelOutputs = Dictionary(grouping: try RunModelRecord.fetchAll(db, sql: """
            SELECT run_id, model_id, step FROM mlflow_run_model_outputs WHERE run_id IN (\(marks)) ORDER BY step, model_id
            """, arguments: arguments), by: \.runID)
        return records.map { record in
            var run = Run(info: record.info, metrics: (metrics[record.runID] ?? []).map(\.metric), params: params[record.runID] ?? [],
                          tags: tags[record.runID] ?? [])
            run.datasetInputs = (inputs[record.runID] ?? []).map { input in
                DatasetInput(dataset: input.dataset, tags: (inputTags[input.runID + "/" + input.datasetID] ?? []).map { KeyValue(key: $0.key, value: $0.value) })
            }
            run.modelInputs = (modelInputs[record.runID] ?? []).map(\.modelID)
            run.modelOutputs = (modelOutputs[record.runID] ?? []).map { ModelOutput(modelID: $0.modelID, step: $0.step) }
            return run
        }
    }

    public func logInputs(runID: String, datasets: [DatasetInput], models: [String]) async throws {
        try await store.database.write { db in
            try Self.requireActive(db, runID)
            guard let experimentID = try Int64.fetchOne(db, sql: "SELECT experiment_id FROM mlflow_runs WHERE run_id = ?", arguments: [runID]) else {
                throw TrackingError.notFound("Run with id=\(runID) not found")
            }
            for input in datasets {
                let dataset = input.dataset
                // One row per (experiment, name, digest), whoever logs it first; decided by the constraint.
                try db.execute(sql: """
                    INSERT INTO mlflow_datasets (dataset_id, experiment_id, name, digest, source_type, source, schema, profile)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (experiment_id, name, digest) DO NOTHING
                    """, arguments: [TrackingRules.newID(), experimentID, dataset.name, dataset.digest, dataset.sourceType, dataset.source,
                                     dataset.schema, dataset.profile])
                guard let datasetID = try String.fetchOne(db, sql: "SELECT dataset_id FROM mlflow_datasets WHERE experiment_id = ? AND name = ? AND digest = ?",
                                                          arguments: [experimentID, dataset.name, dataset.digest]) else { continue }
                try db.execute(sql: "INSERT INTO mlflow_run_dataset_inputs (run_id, dataset_id) VALUES (?, ?) ON CONFLICT (run_id, dataset_id) DO NOTHING",
                               arguments: [runID, datasetID])
                for tag in input.tags {
                    try db.execute(sql: """
                        INSERT INTO mlflow_run_dataset_input_tags (run_id, dataset_id, key, value) VALUES (?, ?, ?, ?)
                        ON CONFLICT (run_id, dataset_id, key) DO UPDATE SET value = excluded.value
                        """, arguments: [runID, datasetID, tag.key, tag.value])
                }
            }
            for model in models {
                try db.execute(sql: "INSERT INTO mlflow_run_model_inputs (run_id, model_id) VALUES (?, ?) ON CONFLICT (run_id, model_id) DO NOTHING",
                               arguments: [runID, model])
            }
        }
    }

    public func logOutputs(runID: String, models: [ModelOutput]) async throws {
        try await store.database.write { db in
            try Self.requireActive(db, runID)
            for model in models {
                try db.execute(sql: """
                    INSERT INTO mlflow_run_model_outputs (run_id, model_id, step) VALUES (?, ?, ?)
                    ON CONFLICT (run_id, model_id) DO UPDATE SET step = excluded.step
                    """, arguments: [runID, model.modelID, model.step])
            }
        }
    }

    static func setTags(_ db: Database, runID: String, _ pairs: [KeyValue]) throws {
        for pair in pairs { try tags.upsert(db, owner: runID, pair) }
    }

    /// A run that exists and is not deleted, or the error MLflow gives.
    static func requireActive(_ db: Database, _ runID: String) throws {
        guard let stage = try String.fetchOne(db, sql: "SELECT lifecycle_stage FROM mlflow_runs WHERE run_id = ?", arguments: [runID]) else {
            throw TrackingError.notFound("Run with id=\(runID) not found")
        }
        guard stage == "active" else {
            throw TrackingError.invalidParameter("The run \(runID) must be in the 'active' state. Current state is \(stage).")
        }
    }
}
