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

/// One metric value at a step and time (ms). `value` is NaN when MLflow's is.
public struct Metric: Sendable, Equatable {
    public let key: String
    public let value: Double
    public let timestamp: Int64
    public let step: Int64
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

/// A run with its latest metrics, params and tags.
public struct Run: Sendable, Equatable {
    public let info: RunInfo
    public let metrics: [Metric]
    public let params: [KeyValue]
    public let tags: [KeyValue]
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
