import Foundation

/// One triggered pipeline run waiting for, or held by, an agent: the control plane queues it
/// when a snapshot is run on a stack bound to an agent; the agent of that name claims it with a
/// lease it renews with each heartbeat, and reports how the runner process ended.
public struct AgentJob: Sendable, Equatable {
    /// The ZenML placeholder run the job carries on (its id is the job's id).
    public let runID: String
    public let snapshotID: String
    public let projectID: String
    public let stackID: String
    /// The agent pool the stack is bound to (an agent's name is its own pool); only its agents claim it.
    public let pool: String
    /// The account that triggered the run: the run's token is issued for it.
    public let userID: String
    public let state: AgentJobState
    /// The agent holding it, and until when its lease lasts without a heartbeat.
    public let claimedBy: String?
    public let leaseExpires: String?
    public let queuedAt: String
    public let finishedAt: String?
    /// Why it ended, as the agent or the server said.
    public let outcome: String?
}

/// Where a job is in its life. `lost` means the agent holding it stopped reporting.
public enum AgentJobState: String, Sendable {
    case queued, running, finished, failed, lost, cancelled
}

/// A run the control plane hands to the agents' queue.
public struct AgentJobDraft: Sendable {
    public let runID: String, snapshotID: String, projectID: String, stackID: String, pool: String, userID: String

    /// The job for placeholder run `runID` of snapshot `snapshotID`, for the agents of `pool`.
    public init(runID: String, snapshotID: String, projectID: String, stackID: String, pool: String, userID: String) {
        self.runID = runID; self.snapshotID = snapshotID; self.projectID = projectID; self.stackID = stackID
        self.pool = pool; self.userID = userID
    }
}

/// What becomes of a run whose agent stopped reporting while it held it.
public enum LostRunPolicy: String, Sendable {
    /// The run is marked failed (the default: a half-run pipeline is not silently repeated).
    case fail
    /// The run goes back to the queue for the next agent of that name.
    case requeue
}
