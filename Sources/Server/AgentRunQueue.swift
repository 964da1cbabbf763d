import Agents
import ControlPlane
import Identity
import Storage

/// Where the control plane and the agents meet: runs triggered from a snapshot go to the
/// agents' queue for the pool their stack is bound to, and runs that end without saying so
/// are marked failed in the control plane. Each side keeps writing only its own tables.
struct AgentRunQueue: SnapshotRunQueue, TriggeredRunOutcomes {
    let agents: any AgentRepository
    let jobs: any AgentJobRepository
    let failures: TriggeredRunFailures
    /// Revokes a stopped run's token.
    let identity: IdentityStore

    func enqueue(_ run: TriggeredRun) async throws {
        let pool = try await agents.agents().filter { $0.pool == run.pool }
        guard !pool.isEmpty else {
            throw SnapshotRunRefusal("This snapshot can not be run via the server: no Enclave agent of '\(run.pool)' has registered. "
                                     + "Start `enclave agent --name \(run.pool)` in the compute zone.")
        }
        guard pool.contains(where: { $0.revokedAt == nil }) else {
            throw SnapshotRunRefusal("This snapshot can not be run via the server: every Enclave agent of '\(run.pool)' was revoked.")
        }
        _ = try await jobs.enqueue(AgentJobDraft(runID: run.runID, snapshotID: run.snapshotID, projectID: run.projectID,
                                                 stackID: run.stackID, pool: run.pool, userID: run.userID),
                                   at: Timestamp.now())
    }

    func cancel(runID: String) async throws -> Bool {
        guard try await jobs.cancel(runID: runID, at: Timestamp.now()) != nil else { return false }
        try await identity.revokeRunTokens(pipelineRunID: runID)
        return true
    }

    func runFailed(runID: String, reason: String) async throws {
        try await failures.fail(runID: runID, reason: reason)
    }
}
