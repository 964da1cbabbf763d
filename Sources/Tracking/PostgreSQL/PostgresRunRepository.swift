import PostgresNIO
import Storage

/// `RunRepository` on PostgreSQL, shared by every replica. What several writers must agree
/// on is decided by the database in one statement, as on SQLite: a param's first value (the
/// primary key, then a read of the winner), each metric's latest value (an upsert whose
/// condition compares step, time and value), a dataset's one row per experiment.
public struct PostgresRunRepository: RunRepository {
    let store: PostgresStore

    /// The runs of `store`, whose migrations must include `TrackingMigrations.postgres`.
    public init(store: PostgresStore) { self.store = store }

    public func create(_ info: RunInfo, tags: [KeyValue]) async throws {
        try await store.transaction { connection in
            // FOR SHARE: the experiment cannot be deleted between this check and the insert.
            guard let stage = try await store.rows("""
                SELECT lifecycle_stage FROM mlflow_experiments WHERE experiment_id = \(info.experimentID) FOR SHARE
                """, on: connection).first?.decode(String.self) else {
                throw TrackingError.notFound("No Experiment with id=\(info.experimentID) exists")
            }
            guard stage == "active" else {
                throw TrackingError.invalidParameter("The experiment \(info.experimentID) must be in the 'active' state. Current state is \(stage).")
            }
            _ = try await store.rows("""
                INSERT INTO mlflow_runs (run_id, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage)
                VALUES (\(info.runID), \(info.experimentID), \(info.name), \(info.userID), \(info.status), \(info.startTime), \(info.endTime),
                        \(info.artifactURI), \(info.lifecycleStage))
                """, on: connection)
            try await setTags(connection, runID: info.runID, tags)
        }
    }

    public func run(id: String) async throws -> Run? {
        try await assemble(store.rows("SELECT * FROM mlflow_runs WHERE run_id = \(id)")).first
    }

    public func update(id: String, status: String?, endTime: Int64?, name: String?) async throws -> RunInfo? {
        try await store.transaction { connection in
            guard let row = try await store.rows("""
                UPDATE mlflow_runs SET status = COALESCE(\(status), status), end_time = COALESCE(\(endTime), end_time), name = COALESCE(\(name), name)
                WHERE run_id = \(id) RETURNING *
                """, on: connection).first else { return nil }
            if let name { try await setTags(connection, runID: id, [KeyValue(key: SQLiteRunRepository.nameTag, value: name)]) }
            return try RunInfo(postgres: row)
        }
    }

    public func setLifecycle(id: String, stage: String) async throws -> Bool {
        try await !store.rows("UPDATE mlflow_runs SET lifecycle_stage = \(stage) WHERE run_id = \(id) RETURNING run_id").isEmpty
    }

    public func log(runID: String, metrics: [Metric], params: [KeyValue], tags: [KeyValue]) async throws {
        try await store.transaction { connection in
            try await requireActive(connection, runID)
            for param in params {
                if let existing = try await postgresLogWriteOnce(param, table: "mlflow_params", ownerColumn: "run_id", owner: runID, store: store,
                                                                 on: connection) {
                    throw TrackingError.invalidParameter("Changing param values is not allowed. Param with key='\(param.key)' was already logged with value='\(existing)' for run ID='\(runID)'. Attempted logging new value '\(param.value)'.")
                }
            }
            try await insertHistory(connection, runID: runID, metrics)
            // Only each key's newest value in the batch can change the latest value.
            var newest: [String: Metric] = [:]
            for metric in metrics {
                if let current = newest[metric.key], !SQLiteRunRepository.isNewer(metric, than: current) { continue }
                newest[metric.key] = metric
            }
            for metric in newest.values {
                // The latest value is the one with the highest (step, timestamp, value), as in MLflow,
                // decided in this one statement so concurrent writers cannot reorder it.
                let value: Double? = metric.value.isNaN ? nil : metric.value
                _ = try await store.rows("""
                    INSERT INTO mlflow_latest_metrics (run_id, key, value, is_nan, timestamp, step)
                    VALUES (\(runID), \(metric.key), \(value), \(metric.value.isNaN), \(metric.timestamp), \(metric.step))
                    ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value, is_nan = excluded.is_nan,
                        timestamp = excluded.timestamp, step = excluded.step
                    WHERE excluded.step > mlflow_latest_metrics.step
                       OR (excluded.step = mlflow_latest_metrics.step AND excluded.timestamp > mlflow_latest_metrics.timestamp)
                       OR (excluded.step = mlflow_latest_metrics.step AND excluded.timestamp = mlflow_latest_metrics.timestamp
                           AND COALESCE(excluded.value, 0) > COALESCE(mlflow_latest_metrics.value, 0))
                    """, on: connection)
            }
            try await setTags(connection, runID: runID, tags)
            if let name = tags.last(where: { $0.key == SQLiteRunRepository.nameTag })?.value {
                _ = try await store.rows("UPDATE mlflow_runs SET name = \(name) WHERE run_id = \(runID)", on: connection)
            }
        }
    }

    /// Every value of `metrics` into the history, in statements of at most 500 rows (one round
    /// trip each, not one per value).
    func insertHistory(_ connection: PostgresConnection, runID: String, _ metrics: [Metric]) async throws {
        for start in stride(from: 0, to: metrics.count, by: 500) {
            var statement = PostgresStatement()
            let run = statement.bind(runID)
            let rows = metrics[start..<min(start + 500, metrics.count)].map { metric in
                let value: Double? = metric.value.isNaN ? nil : metric.value
                let marks = [statement.bind(metric.key), statement.bind(value), statement.bind(metric.value.isNaN), statement.bind(metric.timestamp),
                             statement.bind(metric.step), statement.bind(metric.modelID), statement.bind(metric.datasetName),
                             statement.bind(metric.datasetDigest)]
                return "(\(run), " + marks.joined(separator: ", ") + ")"
            }
            _ = try await store.rows(statement.query("""
                INSERT INTO mlflow_metrics (run_id, key, value, is_nan, timestamp, step, model_id, dataset_name, dataset_digest)
                VALUES \(rows.joined(separator: ", "))
                """), on: connection)
        }
    }

    public func deleteTag(runID: String, key: String) async throws {
        try await store.transaction { connection in
            try await requireActive(connection, runID)
            guard try await !store.rows("DELETE FROM mlflow_run_tags WHERE run_id = \(runID) AND key = \(key) RETURNING key", on: connection).isEmpty else {
                throw TrackingError.notFound("No tag with name: \(key) in run with id \(runID)")
            }
        }
    }

    public func metricHistory(runID: String, key: String, offset: Int, limit: Int) async throws -> [Metric] {
        guard try await !store.rows("SELECT 1 FROM mlflow_runs WHERE run_id = \(runID)").isEmpty else {
            throw TrackingError.notFound("Run with id=\(runID) not found")
        }
        let (limit, offset) = (Int64(max(0, limit)), Int64(max(0, offset)))
        return try await store.rows("""
            SELECT * FROM mlflow_metrics WHERE run_id = \(runID) AND key = \(key) ORDER BY step, timestamp LIMIT \(limit) OFFSET \(offset)
            """).map { try Metric(postgres: $0) }
    }

    public func metricSteps(runID: String, key: String, within steps: ClosedRange<Int64>) async throws -> [Int64] {
        try await store.rows("""
            SELECT DISTINCT step FROM mlflow_metrics WHERE run_id = \(runID) AND key = \(key) AND step >= \(steps.lowerBound) AND step <= \(steps.upperBound)
            ORDER BY step
            """).map { try $0.decode(Int64.self) }
    }

    public func metricValues(runID: String, key: String, atSteps steps: [Int64]) async throws -> [Metric] {
        guard !steps.isEmpty else { return [] }
        return try await store.rows("""
            SELECT * FROM mlflow_metrics WHERE run_id = \(runID) AND key = \(key) AND step = ANY(\(steps)) ORDER BY step, timestamp
            """).map { try Metric(postgres: $0, keepRunID: true) }
    }

    public func runs(experimentIDs: [Int64], view: ViewType, filter: SearchFilter, order: [SearchOrder], offset: Int, limit: Int) async throws -> [Run] {
        guard !experimentIDs.isEmpty else { return [] }
        var statement = PostgresStatement()
        let experiments = statement.bind(experimentIDs), stages = statement.bind(view.stages)
        let condition = try PostgresSearch.condition(filter, SearchTables.runs, into: &statement)
        let ordering = try PostgresSearch.order(order, SearchTables.runs, fallback: Self.searchFallbackOrder, into: &statement)
        let limitMark = statement.bind(Int64(max(0, limit))), offsetMark = statement.bind(Int64(max(0, offset)))
        return try await assemble(store.rows(statement.query("""
            SELECT r.* FROM mlflow_runs r
            WHERE r.experiment_id = ANY(\(experiments)) AND r.lifecycle_stage = ANY(\(stages)) AND \(condition)
            ORDER BY \(ordering) LIMIT \(limitMark) OFFSET \(offsetMark)
            """)))
    }

    /// Newest first (a run without a start time last, as SQLite sorts it), the id breaking ties
    /// by its bytes: the order of `mlflow_runs_in_search_order`.
    static let searchFallbackOrder = "r.start_time DESC NULLS LAST, r.run_id COLLATE \"C\""

    /// Runs with their latest metrics, params, tags, datasets and models, read in six queries.
    func assemble(_ rows: [PostgresRow]) async throws -> [Run] {
        guard !rows.isEmpty else { return [] }
        let infos = try rows.map(RunInfo.init(postgres:))
        let ids = infos.map(\.runID)
        let params = try postgresPairs(await store.rows("SELECT run_id, key, value FROM mlflow_params WHERE run_id = ANY(\(ids)) ORDER BY key COLLATE \"C\""))
        let tags = try postgresPairs(await store.rows("SELECT run_id, key, value FROM mlflow_run_tags WHERE run_id = ANY(\(ids)) ORDER BY key COLLATE \"C\""))
        var metrics: [String: [Metric]] = [:]
        for row in try await store.rows("SELECT * FROM mlflow_latest_metrics WHERE run_id = ANY(\(ids)) ORDER BY key COLLATE \"C\"") {
            let metric = try Metric(postgres: row, keepRunID: true)
            metrics[metric.runID ?? "", default: []].append(Metric(key: metric.key, value: metric.value, timestamp: metric.timestamp, step: metric.step))
        }
        var inputTags: [String: [KeyValue]] = [:]
        for row in try await store.rows("""
            SELECT run_id, dataset_id, key, value FROM mlflow_run_dataset_input_tags WHERE run_id = ANY(\(ids)) ORDER BY key COLLATE "C"
            """) {
            let (run, dataset, key, value) = try row.decode((String, String, String, String).self)
            inputTags[run + "/" + dataset, default: []].append(KeyValue(key: key, value: value))
        }
        var inputs: [String: [DatasetInput]] = [:]
        for row in try await store.rows("""
            SELECT i.run_id, d.dataset_id, d.name, d.digest, d.source_type, d.source, d.schema, d.profile
            FROM mlflow_run_dataset_inputs i JOIN mlflow_datasets d ON d.dataset_id = i.dataset_id
            WHERE i.run_id = ANY(\(ids)) ORDER BY d.name COLLATE "C", d.digest COLLATE "C"
            """) {
            let (run, datasetID, name, digest, sourceType, source, schema, profile) =
                try row.decode((String, String, String, String, String, String, String?, String?).self)
            let dataset = Dataset(name: name, digest: digest, sourceType: sourceType, source: source, schema: schema, profile: profile)
            inputs[run, default: []].append(DatasetInput(dataset: dataset, tags: inputTags[run + "/" + datasetID] ?? []))
        }
        var modelInputs: [String: [String]] = [:]
        for row in try await store.rows("SELECT run_id, model_id FROM mlflow_run_model_inputs WHERE run_id = ANY(\(ids)) ORDER BY model_id COLLATE \"C\"") {
            let (run, model) = try row.decode((String, String).self)
            modelInputs[run, default: []].append(model)
        }
        var modelOutputs: [String: [ModelOutput]] = [:]
        for row in try await store.rows("""
            SELECT run_id, model_id, step FROM mlflow_run_model_outputs WHERE run_id = ANY(\(ids)) ORDER BY step, model_id COLLATE "C"
            """) {
            let (run, model, step) = try row.decode((String, String, Int64).self)
            modelOutputs[run, default: []].append(ModelOutput(modelID: model, step: step))
        }
        return infos.map { info in
            var run = Run(info: info, metrics: metrics[info.runID] ?? [], params: params[info.runID] ?? [], tags: tags[info.runID] ?? [])
            run.datasetInputs = inputs[info.runID] ?? []
            run.modelInputs = modelInputs[info.runID] ?? []
            run.modelOutputs = modelOutputs[info.runID] ?? []
            return run
        }
    }

    public func logInputs(runID: String, datasets: [DatasetInput], models: [String]) async throws {
        try await store.transaction { connection in
            try await requireActive(connection, runID)
            guard let experimentID = try await store.rows("SELECT experiment_id FROM mlflow_runs WHERE run_id = \(runID)", on: connection)
                .first?.decode(Int64.self) else { throw TrackingError.notFound("Run with id=\(runID) not found") }
            for input in datasets {
                let dataset = input.dataset
                // One row per (experiment, name, digest), whoever logs it first; decided by the constraint.
                _ = try await store.rows("""
                    INSERT INTO mlflow_datasets (dataset_id, experiment_id, name, digest, source_type, source, schema, profile)
                    VALUES (\(TrackingRules.newID()), \(experimentID), \(dataset.name), \(dataset.digest), \(dataset.sourceType), \(dataset.source),
                            \(dataset.schema), \(dataset.profile))
                    ON CONFLICT (experiment_id, name, digest) DO NOTHING
                    """, on: connection)
                guard let datasetID = try await store.rows("""
                    SELECT dataset_id FROM mlflow_datasets WHERE experiment_id = \(experimentID) AND name = \(dataset.name) AND digest = \(dataset.digest)
                    """, on: connection).first?.decode(String.self) else { continue }
                _ = try await store.rows("""
                    INSERT INTO mlflow_run_dataset_inputs (run_id, dataset_id) VALUES (\(runID), \(datasetID)) ON CONFLICT (run_id, dataset_id) DO NOTHING
                    """, on: connection)
                for tag in input.tags {
                    _ = try await store.rows("""
                        INSERT INTO mlflow_run_dataset_input_tags (run_id, dataset_id, key, value) VALUES (\(runID), \(datasetID), \(tag.key), \(tag.value))
                        ON CONFLICT (run_id, dataset_id, key) DO UPDATE SET value = excluded.value
                        """, on: connection)
                }
            }
            for model in models {
                _ = try await store.rows("""
                    INSERT INTO mlflow_run_model_inputs (run_id, model_id) VALUES (\(runID), \(model)) ON CONFLICT (run_id, model_id) DO NOTHING
                    """, on: connection)
            }
        }
    }

    public func logOutputs(runID: String, models: [ModelOutput]) async throws {
        try await store.transaction { connection in
            try await requireActive(connection, runID)
            for model in models {
                _ = try await store.rows("""
                    INSERT INTO mlflow_run_model_outputs (run_id, model_id, step) VALUES (\(runID), \(model.modelID), \(model.step))
                    ON CONFLICT (run_id, model_id) DO UPDATE SET step = excluded.step
                    """, on: connection)
            }
        }
    }

    func setTags(_ connection: PostgresConnection, runID: String, _ pairs: [KeyValue]) async throws {
        for pair in pairs {
            _ = try await store.rows("""
                INSERT INTO mlflow_run_tags (run_id, key, value) VALUES (\(runID), \(pair.key), \(pair.value))
                ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value
                """, on: connection)
        }
    }

    /// A run that exists and is not deleted (its row kept from removal until the transaction ends), or the error MLflow gives.
    func requireActive(_ connection: PostgresConnection, _ runID: String) async throws {
        guard let stage = try await store.rows("SELECT lifecycle_stage FROM mlflow_runs WHERE run_id = \(runID) FOR KEY SHARE", on: connection)
            .first?.decode(String.self) else {
            throw TrackingError.notFound("Run with id=\(runID) not found")
        }
        guard stage == "active" else {
            throw TrackingError.invalidParameter("The run \(runID) must be in the 'active' state. Current state is \(stage).")
        }
    }
}
