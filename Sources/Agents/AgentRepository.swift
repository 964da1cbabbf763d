import Storage

/// The agents' table behind one seam, so the control plane's handlers never hold SQL and
/// another engine follows without touching them. Every rule that two replicas could race
/// on (one name, one account per agent, no heartbeat after revocation) is decided by the
/// database in one statement.
public protocol AgentRepository: Sendable {
    /// Registers `draft`, or takes up the same account's agent of that name again (after a
    /// restart: version, capacity and hostname as now, nothing running). Throws
    /// `AgentsError.nameTaken` when another account's agent holds the name and
    /// `AgentsError.revoked` when this one was revoked.
    func register(_ draft: AgentDraft, at time: String) async throws -> Agent

    /// Records a heartbeat of agent `id` from `accountID`. Throws `AgentsError.unknownAgent`,
    /// `.notYours` or `.revoked` when it may not report.
    func heartbeat(id: String, accountID: String, running: Int, capacity: Int, at time: String) async throws -> Agent

    /// Every agent, by name.
    func agents() async throws -> [Agent]

    /// One agent, or nil.
    func agent(id: String) async throws -> Agent?

    /// Revokes agent `id` for good (it stays listed); nil when there is no such agent.
    func revoke(id: String, at time: String) async throws -> Agent?
}

extension AgentRepository {
    /// Revokes agent `id` now; nil when there is no such agent.
    public func revoke(id: String) async throws -> Agent? {
        try await revoke(id: id, at: Timestamp.now())
    }

    /// Why `draft` could not be registered, given the agent that holds its name: this account's
    /// own agent when it was revoked, else another account's.
    func registrationRefusal(_ holder: Agent?, _ draft: AgentDraft) -> AgentsError {
        if let holder, holder.revokedAt != nil, holder.accountID == draft.accountID { return .revoked(draft.name) }
        return .nameTaken(draft.name)
    }

    /// Why agent `agent` (looked up after a write that matched nothing) may not report for `accountID`.
    func refusal(_ agent: Agent?, accountID: String) -> AgentsError {
        guard let agent else { return .unknownAgent }
        if agent.revokedAt != nil { return .revoked(agent.name) }
        return agent.accountID == accountID ? .unknownAgent : .notYours
    }
}
