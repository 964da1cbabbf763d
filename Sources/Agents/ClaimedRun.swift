/// A run the server handed this agent: which snapshot to run as which placeholder run, and
/// the token that acts only for that run (never the agent's own key).
public struct ClaimedRun: Sendable {
    public let runID: String
    public let snapshotID: String
    public let projectID: String
    public let stackID: String
    let token: String
    /// How long the run may take before the agent ends it.
    public let timeoutSeconds: Int

    /// The run the claim answer `job` describes, or nil when it lacks a field.
    init?(_ job: [String: Any]) {
        guard let runID = job["run_id"] as? String, let snapshotID = job["snapshot_id"] as? String,
              let projectID = job["project_id"] as? String, let stackID = job["stack_id"] as? String,
              let token = job["token"] as? String else { return nil }
        self.runID = runID; self.snapshotID = snapshotID; self.projectID = projectID; self.stackID = stackID; self.token = token
        timeoutSeconds = max(1, job["timeout_seconds"] as? Int ?? 86_400)
    }
}

/// How the agent runs a claimed run on its host: which Python (with the pinned `zenml`
/// client installed), where the pipelines' code is, and where each run's files go.
public struct RunnerSettings: Sendable {
    /// The Python interpreter whose environment holds the `zenml` client.
    public let python: String
    /// The directory holding the pipelines' code (the source root their steps are imported
    /// from) when a snapshot carries no code of its own.
    public let sourceRoot: String
    /// Where each run gets its own folder: ZenML's configuration and the runner's log.
    public let workDirectory: String
    /// The CA file the runner trusts for the server's certificate, as the agent does.
    public let caFile: String?

    /// Settings for running with `python` over the code in `sourceRoot`, keeping files in `workDirectory`.
    public init(python: String, sourceRoot: String, workDirectory: String, caFile: String?) {
        self.python = python; self.sourceRoot = sourceRoot; self.workDirectory = workDirectory; self.caFile = caFile
    }
}
