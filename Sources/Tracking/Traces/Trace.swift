/// What MLflow 3 records of a trace: where it belongs, when it ran and how long, its state,
/// previews of its request and response, metadata and tags. Its spans are stored apart
/// (`ReceivedSpan`), since they arrive on their own over OTLP.
public struct TraceInfo: Sendable, Equatable {
    public let traceID: String
    public let experimentID: Int64
    /// Milliseconds since the epoch.
    public let requestTime: Int64
    public let executionDuration: Int64?
    public let state: String
    public let requestPreview: String?
    public let responsePreview: String?
    public let clientRequestID: String?
    public var metadata: [KeyValue] = []
    public var tags: [KeyValue] = []

    /// The states a trace can be in.
    public static let states: Set<String> = ["STATE_UNSPECIFIED", "OK", "ERROR", "IN_PROGRESS"]
    /// The tag telling the client its spans are in this server's store.
    static let spansLocationTag = "mlflow.trace.spansLocation"
    /// The tag naming the trace's artifact folder (where the client may upload `traces.json`).
    static let artifactLocationTag = "mlflow.artifactLocation"
}
