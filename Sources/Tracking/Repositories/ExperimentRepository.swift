/// Where experiments are stored. Handlers use only this protocol; the SQLite
/// implementation is one of possibly several (PostgreSQL can follow).
public protocol ExperimentRepository: Sendable {
    /// Creates an experiment and returns its id; a taken name is `TrackingError.alreadyExists`.
    /// `artifactLocation` nil means `mlflow-artifacts:/<id>`.
    func create(name: String, artifactLocation: String?, tags: [KeyValue], now: Int64) async throws -> Int64
    func experiment(id: Int64) async throws -> Experiment?
    func experiment(named name: String) async throws -> Experiment?
    /// Experiments in the view that match `filter`, in `order` (then newest first), `limit` from `offset`.
    func experiments(view: ViewType, filter: SearchFilter, order: [SearchOrder], offset: Int, limit: Int) async throws -> [Experiment]
    /// Renames; false when there is no such experiment.
    func rename(id: Int64, to name: String, now: Int64) async throws -> Bool
    /// Sets `lifecycle_stage` (and with it, that of the experiment's runs); false when missing.
    func setLifecycle(id: Int64, stage: String, now: Int64) async throws -> Bool
    func setTag(id: Int64, _ tag: KeyValue) async throws -> Bool
    func deleteTag(id: Int64, key: String) async throws -> Bool
}
