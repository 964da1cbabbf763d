/// A pipeline run the control plane has prepared from a snapshot (its copy of the snapshot
/// and its placeholder run) and hands on to whoever executes runs.
public struct TriggeredRun: Sendable, Equatable {
    public let runID: String
    public let snapshotID: String
    public let projectID: String
    public let stackID: String
    /// The agent pool the run's stack is bound to (its `enclave.agent` label; an agent's name is its own pool).
    public let pool: String
    /// The account that triggered it; the run acts as this account.
    public let userID: String
}

/// Where triggered runs go to be executed: Enclave's agents' queue. The control plane only
/// prepares runs; it never holds the queue's tables.
public protocol SnapshotRunQueue: Sendable {
    /// Queues `run`. Throws `SnapshotRunRefusal` when no agent could ever take it.
    func enqueue(_ run: TriggeredRun) async throws
    /// Takes run `runID` off the queue or tells its agent to stop it; false when it holds no such run.
    func cancel(runID: String) async throws -> Bool
}

/// Why a snapshot's run cannot be queued, in words the ZenML client shows.
public struct SnapshotRunRefusal: Error, Sendable, Equatable {
    public let message: String

    /// A refusal saying `message`.
    public init(_ message: String) { self.message = message }
}

/// The stack label that binds a stack to an agent: `Client().update_stack(name, labels={"enclave.agent": "gpu-zone"})`.
public enum AgentBinding {
    /// The label's key.
    public static let label = "enclave.agent"
}
