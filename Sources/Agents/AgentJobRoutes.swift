import Foundation
import Hummingbird
import Identity
import Storage

/// The run-queue half of the agent API: an agent claims the next run queued for its name
/// (with a lease and a token that acts only for that run) and reports how its process ended.
struct AgentJobRoutes<Context: RequestContext>: Sendable {
    let api: AgentsAPI<Context>

    func addRoutes(to group: RouterGroup<Context>) {
        group.post(":id/claim", use: claim)
        group.post(":id/runs/:run", use: report)
        group.post(":id/runs/:run/log", use: appendLog)
    }

    /// How much of a run's runner log the server keeps; the rest stays in the agent's run folder.
    static var logLimit: Int { 8 << 20 }

    /// A chunk of a claimed run's runner log, from byte `offset`.
    @Sendable func appendLog(_ request: Request, context: Context) async throws -> Response {
        let caller = try await api.caller(request, agentWork: true)
        let agent = try await api.ownAgent(context.parameters.require("id").lowercased(), caller: caller)
        let runID = try Self.runID(context)
        let body = try await AgentRequestBody.decode(LogChunk.self, from: request, limit: api.settings.maxBodyBytes)
        let offset = try AgentRequestBody.count(body.offset, field: "offset", in: 0...Self.logLimit)
        try await api.jobs.appendLog(runID: runID, agentID: agent.id, offset: offset, text: body.text)
        return agentsAnswer(["run_id": runID, "kept": offset + body.text.utf8.count])
    }

    /// The runner log an agent streamed for a run, as text, for anyone who may see runs.
    @Sendable func runnerLog(_ request: Request, context: Context) async throws -> Response {
        _ = try await api.caller(request, agentWork: false, readers: true)
        guard let log = try await api.jobs.runnerLog(runID: try Self.runID(context)) else { throw AgentsError.unknownJob }
        return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: log)))
    }

    static func runID(_ context: Context) throws -> String {
        guard let id = UUID(uuidString: try context.parameters.require("run"))?.uuidString.lowercased() else { throw AgentsError.unknownJob }
        return id
    }

    /// The next queued run for this agent, or `{"job": null}` when none came within the
    /// `wait` seconds (up to 25) the agent is willing to wait: a long poll. Only the request's
    /// first moment claims; a run queued while it waits ends the wait unclaimed, and the
    /// agent's next request claims it — so an agent that went away while waiting (its
    /// connection gone, unseen by the server) never takes a run it cannot receive.
    @Sendable func claim(_ request: Request, context: Context) async throws -> Response {
        let caller = try await api.caller(request, agentWork: true)
        let agent = try await api.ownAgent(context.parameters.require("id").lowercased(), caller: caller)
        let body = try await AgentRequestBody.decode(ClaimRequest.self, from: request, limit: api.settings.maxBodyBytes)
        let deadline = Date().addingTimeInterval(Double(try AgentRequestBody.count(body.wait ?? 0, field: "wait", in: 0...25)))
        try await api.endLostRuns()
        let claimed = try await api.jobs.claim(agentID: agent.id, pool: agent.pool, leaseUntil: api.leaseEnd())
        if claimed == nil {
            while Date() < deadline, !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(250))
                if try await api.jobs.hasQueued(pool: agent.pool) { break }
            }
        }
        guard let job = claimed else { return agentsAnswer(["job": NSNull()]) }
        let token = try await api.identity.issueRunToken(userID: job.userID, pipelineRunID: job.runID,
                                                         lifetime: api.settings.runTimeoutSeconds + 3600)
        return agentsAnswer(["job": [
            "run_id": job.runID, "snapshot_id": job.snapshotID, "project_id": job.projectID, "stack_id": job.stackID,
            "token": token.token, "timeout_seconds": api.settings.runTimeoutSeconds,
        ] as [String: Any]])
    }

    /// How a claimed run's process ended: `finished` or `failed` with the agent's words.
    @Sendable func report(_ request: Request, context: Context) async throws -> Response {
        let caller = try await api.caller(request, agentWork: true)
        let agent = try await api.ownAgent(context.parameters.require("id").lowercased(), caller: caller)
        let runID = try Self.runID(context)
        let body = try await AgentRequestBody.decode(RunReport.self, from: request, limit: api.settings.maxBodyBytes)
        guard let state = AgentJobState(rawValue: body.state), state == .finished || state == .failed else {
            throw AgentsError.badRequest("'state' must be 'finished' or 'failed'.")
        }
        let outcome = try AgentRequestBody.text(String(body.outcome.prefix(2000)), field: "outcome", limit: 2000)
        let job = try await api.jobs.finish(runID: runID, agentID: agent.id, state: state, outcome: outcome, at: Timestamp.now())
        try await api.identity.revokeRunTokens(pipelineRunID: runID)
        if state == .failed { try await api.outcomes.runFailed(runID: runID, reason: outcome) }
        return agentsAnswer(["run_id": job.runID, "state": job.state.rawValue])
    }
}

extension AgentsAPI {
    /// Agent `id`, when `caller` registered it and it was not revoked.
    func ownAgent(_ id: String, caller: Principal) async throws -> Agent {
        guard let agent = try await agents.agent(id: id) else { throw AgentsError.unknownAgent }
        guard agent.accountID == caller.userID else { throw AgentsError.notYours }
        guard agent.revokedAt == nil else { throw AgentsError.revoked(agent.name) }
        return agent
    }

    /// When a lease taken or renewed now runs out: after three missed heartbeats.
    func leaseEnd() -> String {
        Timestamp.format(Date().addingTimeInterval(settings.offlineAfterSeconds))
    }

    /// Takes runs whose agent stopped reporting back, failing them or queueing them again as configured.
    func endLostRuns() async throws {
        guard Date().timeIntervalSince(started) > settings.offlineAfterSeconds else { return }
        let lost = try await jobs.expireLeases(before: Timestamp.now(), policy: settings.lostRuns)
        for job in lost { try await identity.revokeRunTokens(pipelineRunID: job.runID) }
        guard settings.lostRuns == .fail else { return }
        for job in lost {
            try await outcomes.runFailed(runID: job.runID, reason: job.outcome ?? "The agent running it stopped reporting.")
        }
    }
}
