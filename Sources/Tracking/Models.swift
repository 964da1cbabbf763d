/// A key and a value, as MLflow tags and params are.
public struct KeyValue: Sendable, Equatable {
    public let key: String
    public let value: String
    public init(key: String, value: String) { self.key = key; self.value = value }
}

/// An MLflow experiment with its tags.
public struct Experiment: Sendable, Equatable {
    public let id: Int64
    public let name: String
    public let artifactLocation: String
    public let lifecycleStage: String
    public let creationTime: Int64
    public let lastUpdateTime: Int64
    public let tags: [KeyValue]
}

/// One metric value at a step and time (ms). `value` is NaN when MLflow's is. MLflow 3
/// links a value to the logged model and the dataset it was measured for.
public struct Metric: Sendable, Equatable {
    public let key: String
    public let value: Double
    public let timestamp: Int64
    public let step: Int64
    public var modelID: String? = nil
    public var datasetName: String? = nil
    public var datasetDigest: String? = nil
    /// The run that logged it (filled where a listing mixes runs, as a model's metrics do).
    public var runID: String? = nil
    public init(key: String, value: Double, timestamp: Int64, step: Int64) {
        self.key = key; self.value = value; self.timestamp = timestamp; self.step = step
    }
}

/// What MLflow calls a run's info.
public struct RunInfo: Sendable, Equatable {
    public let runID: String
    public let experimentID: Int64
    public let name: String
    public let userID: String
    public let status: String
    public let startTime: Int64?
    public let endTime: Int64?
    public let artifactURI: String
    public let lifecycleStage: String
}

/// A run with its latest metrics, params and tags, the datasets and models it read and
/// the models it produced.
public struct Run: Sendable, Equatable {
    public let info: RunInfo
    public let metrics: [Metric]
    public let params: [KeyValue]
    public let tags: [KeyValue]
    public var datasetInputs: [DatasetInput] = []
    public var modelInputs: [String] = []
    public var modelOutputs: [ModelOutput] = []
}

/// A dataset as MLflow records it: named, fingerprinted, with where it came from and its
/// schema and profile as JSON text.
public struct Dataset: Sendable, Equatable {
    public let name: String
    public let digest: String
    public let sourceType: String
    public let source: String
    public let schema: String?
    public let profile: String?
}

/// A dataset a run read, with the input's tags (`mlflow.data.context` and the user's).
public struct DatasetInput: Sendable, Equatable {
    public let dataset: Dataset
    public let tags: [KeyValue]
}

/// A logged model a run produced, at a step.
public struct ModelOutput: Sendable, Equatable {
    public let modelID: String
    public let step: Int64
}

/// Which lifecycle stages a search includes.
public enum ViewType: String, Sendable {
    case activeOnly = "ACTIVE_ONLY", deletedOnly = "DELETED_ONLY", all = "ALL"

    /// The stages it admits.
    var stages: [String] {
        switch self {
        case .activeOnly: ["active"]
        case .deletedOnly: ["deleted"]
        case .all: ["active", "deleted"]
        }
    }
}
