import Storage

/// The agents' run queue behind one seam. Every decision two replicas or two agents could race
/// on — who claims a queued run, who may report for it, which leases ran out — is one
/// statement, so a run is never held by two agents.
public protocol AgentJobRepository: Sendable {
    /// Queues `draft`.
    func enqueue(_ draft: AgentJobDraft, at time: String) async throws -> AgentJob

    /// Hands the oldest queued job for `pool` to agent `agentID` with a lease until
    /// `leaseUntil`; nil when none waits.
    func claim(agentID: String, pool: String, leaseUntil: String) async throws -> AgentJob?

    /// Extends the leases of the jobs among `runIDs` that `agentID` holds; returns those it
    /// holds no more (ended by the server, cancelled, or never its own), which it must stop.
    func renew(agentID: String, runIDs: [String], leaseUntil: String) async throws -> [String]

    /// Ends job `runID` held by `agentID` as `state` with `outcome`. Throws
    /// `AgentsError.unknownJob` when there is no such running job and `.notYourJob` when another
    /// agent holds it.
    func finish(runID: String, agentID: String, state: AgentJobState, outcome: String, at time: String) async throws -> AgentJob

    /// Takes every running job whose lease ran out before `time` away from its agent, as
    /// `policy` says; returns them as they are now.
    func expireLeases(before time: String, policy: LostRunPolicy) async throws -> [AgentJob]

    /// Ends a queued or running job as cancelled (the run was stopped); nil when it is not
    /// queued or running.
    func cancel(runID: String, at time: String) async throws -> AgentJob?

    /// Keeps `text`, the runner log of `runID` from byte `offset`, sent by `agentID`, which
    /// must hold the run (or have held it until it ended). A chunk sent twice is kept once.
    /// Throws `AgentsError.unknownJob`/`.notYourJob` as `finish` does.
    func appendLog(runID: String, agentID: String, offset: Int, text: String) async throws

    /// The runner log an agent streamed for `runID`, in order; nil when none came.
    func runnerLog(runID: String) async throws -> String?

    /// Whether a job waits in the queue for `pool` (a read, for claims that wait).
    func hasQueued(pool: String) async throws -> Bool

    /// One job, or nil.
    func job(runID: String) async throws -> AgentJob?
}

extension AgentJobRepository {
    /// Why `agentID` may not report for `runID`, given the job as stored.
    func reportRefusal(_ job: AgentJob?, agentID: String) -> AgentsError {
        guard let job, job.state == .running, let holder = job.claimedBy else { return .unknownJob }
        return holder == agentID ? .unknownJob : .notYourJob
    }
}
