/// Where pipeline runs and their step runs are written. Every rule that must hold with
/// several writers — run index, step attempt number, one run per orchestrator run — is the
/// storage's constraint, not a read before the write. Reading runs for the API goes through
/// `Endpoints` and `WireRenderer` (to move behind this seam next).
protocol RunRepository: Sendable {
    /// Gets or creates the run: an orchestrator run already recorded for the snapshot is
    /// answered as it is (`created` false); otherwise the snapshot's oldest unclaimed
    /// placeholder becomes it, or a new run is made with the pipeline's next index.
    func createRun(_ draft: RunDraft) async throws -> (id: String, created: Bool)
    /// Applies `change`; a finished run keeps its status whatever is sent.
    func updateRun(id: String, _ change: RunChange, userID: String?) async throws
    /// Removes the run with its steps and logs (artifact versions stay, as in ZenML).
    func deleteRun(id: String) async throws
    /// Records a step attempt with the next attempt number of its name; returns its id.
    func createStep(_ draft: StepRunDraft) async throws -> String
    /// Applies `change` to a step and re-derives its run's status.
    func updateStep(id: String, _ change: StepRunChange) async throws
}

extension RunRepository {
    /// A pipeline run that is not there, as every engine says it.
    static func missing(_ id: String) -> ControlPlaneError { .missing("pipeline run", id: id) }
}
