import GRDB

/// A row of `mlflow_experiments`.
struct ExperimentRecord: Codable, FetchableRecord {
    var id: Int64
    var name: String
    var artifactLocation: String
    var lifecycleStage: String
    var creationTime: Int64
    var lastUpdateTime: Int64

    enum CodingKeys: String, CodingKey {
        case id = "experiment_id", name, artifactLocation = "artifact_location", lifecycleStage = "lifecycle_stage"
        case creationTime = "creation_time", lastUpdateTime = "last_update_time"
    }

    func experiment(tags: [KeyValue]) -> Experiment {
        Experiment(id: id, name: name, artifactLocation: artifactLocation, lifecycleStage: lifecycleStage,
                   creationTime: creationTime, lastUpdateTime: lastUpdateTime, tags: tags)
    }
}

/// A row of `mlflow_runs`. Read by hand, not through Codable: searches read many.
struct RunRecord: FetchableRecord {
    var runID: String
    var experimentID: Int64
    var name: String
    var userID: String
    var status: String
    var startTime: Int64?
    var endTime: Int64?
    var artifactURI: String
    var lifecycleStage: String

    init(row: Row) throws {
        runID = row["run_id"]
        experimentID = row["experiment_id"]
        name = row["name"]
        userID = row["user_id"]
        status = row["status"]
        startTime = row["start_time"]
        endTime = row["end_time"]
        artifactURI = row["artifact_uri"]
        lifecycleStage = row["lifecycle_stage"]
    }

    var info: RunInfo {
        RunInfo(runID: runID, experimentID: experimentID, name: name, userID: userID, status: status, startTime: startTime,
                endTime: endTime, artifactURI: artifactURI, lifecycleStage: lifecycleStage)
    }
}

/// A row of the params or tags tables (and the experiment tags, keyed by experiment).
struct KeyValueRecord: FetchableRecord {
    var owner: String
    var key: String
    var value: String

    init(row: Row) throws {
        owner = row["owner"]
        key = row["key"]
        value = row["value"]
    }
}

/// A row of `mlflow_metrics` or `mlflow_latest_metrics`; NaN is stored as NULL with `is_nan`.
/// The model and dataset links exist only in `mlflow_metrics`.
struct MetricRecord: FetchableRecord {
    var runID: String
    var key: String
    var value: Double?
    var isNaN: Bool
    var timestamp: Int64
    var step: Int64
    var modelID: String?
    var datasetName: String?
    var datasetDigest: String?

    /// Read by hand, not through Codable: histories read tens of thousands of these.
    init(row: Row) throws {
        runID = row["run_id"]
        key = row["key"]
        value = row["value"]
        isNaN = row["is_nan"]
        timestamp = row["timestamp"]
        step = row["step"]
        modelID = row.hasColumn("model_id") ? row["model_id"] : nil
        datasetName = row.hasColumn("dataset_name") ? row["dataset_name"] : nil
        datasetDigest = row.hasColumn("dataset_digest") ? row["dataset_digest"] : nil
    }

    var metric: Metric {
        var metric = Metric(key: key, value: isNaN ? .nan : (value ?? .nan), timestamp: timestamp, step: step)
        metric.modelID = modelID
        metric.datasetName = datasetName
        metric.datasetDigest = datasetDigest
        if modelID != nil { metric.runID = runID }
        return metric
    }
}

/// A dataset a run read, joined with the dataset's row.
struct RunDatasetInputRecord: Codable, FetchableRecord {
    var runID: String
    var datasetID: String
    var name: String
    var digest: String
    var sourceType: String
    var source: String
    var schema: String?
    var profile: String?

    enum CodingKeys: String, CodingKey {
        case runID = "run_id", datasetID = "dataset_id", name, digest, sourceType = "source_type", source, schema, profile
    }

    var dataset: Dataset { Dataset(name: name, digest: digest, sourceType: sourceType, source: source, schema: schema, profile: profile) }
}

/// A row of `mlflow_run_dataset_input_tags`.
struct RunDatasetInputTagRecord: Codable, FetchableRecord {
    var runID: String
    var datasetID: String
    var key: String
    var value: String

    enum CodingKeys: String, CodingKey { case runID = "run_id", datasetID = "dataset_id", key, value }
}

/// A row of `mlflow_run_model_inputs` or `mlflow_run_model_outputs`.
struct RunModelRecord: Codable, FetchableRecord {
    var runID: String
    var modelID: String
    var step: Int64

    enum CodingKeys: String, CodingKey { case runID = "run_id", modelID = "model_id", step }
}
