/// Where runs, their params, tags and metrics are stored. Writes that must agree (a
/// param's first value, the latest value of a metric) are decided by the database in the
/// same statement, so several writers never lose or reorder anything.
public protocol RunRepository: Sendable {
    /// Stores a new run with its tags; an unknown or deleted experiment is `notFound`.
    func create(_ info: RunInfo, tags: [KeyValue]) async throws
    func run(id: String) async throws -> Run?
    /// Changes status, end time and name (the `mlflow.runName` tag follows); nil when missing.
    func update(id: String, status: String?, endTime: Int64?, name: String?) async throws -> RunInfo?
    func setLifecycle(id: String, stage: String) async throws -> Bool
    /// Logs metrics, params and tags in one transaction. A param already logged with
    /// another value is `invalidParameter` and nothing of the batch is kept.
    func log(runID: String, metrics: [Metric], params: [KeyValue], tags: [KeyValue]) async throws
    func deleteTag(runID: String, key: String) async throws
    /// One metric's values, by step then time, `limit` from `offset`.
    func metricHistory(runID: String, key: String, offset: Int, limit: Int) async throws -> [Metric]
    /// Runs of the experiments in the view that match `filter`, in `order` (then newest
    /// first), `limit` from `offset`.
    func runs(experimentIDs: [Int64], view: ViewType, filter: SearchFilter, order: [SearchOrder], offset: Int, limit: Int) async throws -> [Run]
    /// Records datasets (shared per experiment by name and digest) and logged models a run read.
    func logInputs(runID: String, datasets: [DatasetInput], models: [String]) async throws
    /// Records logged models a run produced.
    func logOutputs(runID: String, models: [ModelOutput]) async throws
    /// The distinct steps at which a run logged `key`, within `steps`, ascending.
    func metricSteps(runID: String, key: String, within steps: ClosedRange<Int64>) async throws -> [Int64]
    /// A run's values of `key` at the given steps, by step then time, each carrying the run id.
    func metricValues(runID: String, key: String, atSteps steps: [Int64]) async throws -> [Metric]
}
