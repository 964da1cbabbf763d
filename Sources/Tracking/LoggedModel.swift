/// An MLflow 3 logged model: a model's files (under its own artifact location) with its
/// tags, params and the metrics runs logged against it.
public struct LoggedModel: Sendable, Equatable {
    public let id: String
    public let experimentID: Int64
    public let name: String
    public let artifactLocation: String
    public let creationTimestamp: Int64
    public let lastUpdatedTimestamp: Int64
    public let status: String
    public let statusMessage: String?
    public let modelType: String
    public let sourceRunID: String
    public let lifecycleStage: String
    public var tags: [KeyValue] = []
    public var params: [KeyValue] = []
    public var metrics: [Metric] = []

    /// The statuses a logged model moves through.
    public static let statuses: Set<String> = ["LOGGED_MODEL_STATUS_UNSPECIFIED", "LOGGED_MODEL_PENDING", "LOGGED_MODEL_READY", "LOGGED_MODEL_UPLOAD_FAILED"]
}
