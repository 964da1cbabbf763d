import PostgresNIO
import Storage

extension Experiment {
    /// The experiment an `mlflow_experiments` row holds, with its tags.
    init(postgres row: PostgresRow, tags: [KeyValue]) throws {
        let columns = row.makeRandomAccess()
        self.init(id: try columns["experiment_id"].decode(Int64.self), name: try columns["name"].decode(String.self),
                  artifactLocation: try columns["artifact_location"].decode(String.self),
                  lifecycleStage: try columns["lifecycle_stage"].decode(String.self),
                  creationTime: try columns["creation_time"].decode(Int64.self), lastUpdateTime: try columns["last_update_time"].decode(Int64.self),
                  tags: tags)
    }
}

extension RunInfo {
    /// The run an `mlflow_runs` row holds.
    init(postgres row: PostgresRow) throws {
        let columns = row.makeRandomAccess()
        self.init(runID: try columns["run_id"].decode(String.self), experimentID: try columns["experiment_id"].decode(Int64.self),
                  name: try columns["name"].decode(String.self), userID: try columns["user_id"].decode(String.self),
                  status: try columns["status"].decode(String.self), startTime: try columns["start_time"].decode(Int64?.self),
                  endTime: try columns["end_time"].decode(Int64?.self), artifactURI: try columns["artifact_uri"].decode(String.self),
                  lifecycleStage: try columns["lifecycle_stage"].decode(String.self))
    }
}

extension Metric {
    /// The value an `mlflow_metrics` or `mlflow_latest_metrics` row holds (NaN: a NULL marked
    /// `is_nan`); the run id is kept when `keepRunID` or the value belongs to a model.
    init(postgres row: PostgresRow, keepRunID: Bool = false) throws {
        let columns = row.makeRandomAccess()
        let value = try columns["value"].decode(Double?.self), isNaN = try columns["is_nan"].decode(Bool.self)
        self.init(key: try columns["key"].decode(String.self), value: isNaN ? .nan : (value ?? .nan),
                  timestamp: try columns["timestamp"].decode(Int64.self), step: try columns["step"].decode(Int64.self))
        if columns.contains("model_id") {
            modelID = try columns["model_id"].decode(String?.self)
            datasetName = try columns["dataset_name"].decode(String?.self)
            datasetDigest = try columns["dataset_digest"].decode(String?.self)
        }
        if keepRunID || modelID != nil { runID = try columns["run_id"].decode(String.self) }
    }
}

/// Rows of `(owner, key, value)`, grouped by owner in the order read.
func postgresPairs(_ rows: [PostgresRow]) throws -> [String: [KeyValue]] {
    var pairs: [String: [KeyValue]] = [:]
    for row in rows {
        let (owner, key, value) = try row.decode((String, String, String).self)
        pairs[owner, default: []].append(KeyValue(key: key, value: value))
    }
    return pairs
}

extension LoggedModel {
    /// The model an `mlflow_logged_models` row holds (tags, params and metrics apart).
    init(postgres row: PostgresRow) throws {
        let columns = row.makeRandomAccess()
        self.init(id: try columns["model_id"].decode(String.self), experimentID: try columns["experiment_id"].decode(Int64.self),
                  name: try columns["name"].decode(String.self), artifactLocation: try columns["artifact_location"].decode(String.self),
                  creationTimestamp: try columns["creation_timestamp"].decode(Int64.self),
                  lastUpdatedTimestamp: try columns["last_updated_timestamp"].decode(Int64.self), status: try columns["status"].decode(String.self),
                  statusMessage: try columns["status_message"].decode(String?.self), modelType: try columns["model_type"].decode(String.self),
                  sourceRunID: try columns["source_run_id"].decode(String.self), lifecycleStage: try columns["lifecycle_stage"].decode(String.self))
    }
}

/// Logs a write-once param (a run's or a logged model's) in `table`: the first value stays,
/// decided by the primary key; answers the value already kept when it differs from `param`'s.
func postgresLogWriteOnce(_ param: KeyValue, table: String, ownerColumn: String, owner: String, store: PostgresStore,
                          on connection: PostgresConnection) async throws -> String? {
    var insert = PostgresStatement()
    let values = [insert.bind(owner), insert.bind(param.key), insert.bind(param.value)].joined(separator: ", ")
    guard try await store.rows(insert.query("""
        INSERT INTO \(table) (\(ownerColumn), key, value) VALUES (\(values)) ON CONFLICT (\(ownerColumn), key) DO NOTHING RETURNING key
        """), on: connection).isEmpty else { return nil }
    var read = PostgresStatement()
    let (ownerMark, keyMark) = (read.bind(owner), read.bind(param.key))
    let existing = try await store.rows(read.query("SELECT value FROM \(table) WHERE \(ownerColumn) = \(ownerMark) AND key = \(keyMark)"),
                                        on: connection).first?.decode(String.self)
    return existing == param.value ? nil : existing
}
