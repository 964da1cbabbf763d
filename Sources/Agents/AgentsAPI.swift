import Foundation
import Hummingbird
import Identity
import Storage

/// Enclave's agent API at `/api/enclave/agents`: agents in the compute zone register and
/// send heartbeats over their one outbound link with their service account's API key (role
/// `agent`); admins list and revoke them. Answers are JSON; refusals are
/// `{"detail": "…"}` with the status `AgentsError` names.
public struct AgentsAPI<Context: RequestContext>: Sendable {
    let agents: any AgentRepository
    let jobs: any AgentJobRepository
    let outcomes: any TriggeredRunOutcomes
    let identity: IdentityStore
    let settings: AgentSettings
    /// When this server started: leases are not taken back until agents have had a lease's
    /// time to report again, so a server that was down longer than a lease fails no run.
    let started = Date()

    /// The API over `agents` and their run queue `jobs`, authenticating callers with
    /// `identity` and telling the control plane through `outcomes` how runs ended.
    public init(agents: any AgentRepository, jobs: any AgentJobRepository, outcomes: any TriggeredRunOutcomes,
                identity: IdentityStore, settings: AgentSettings = AgentSettings()) {
        self.agents = agents; self.jobs = jobs; self.outcomes = outcomes; self.identity = identity; self.settings = settings
    }

    /// Adds the agent routes to `router`.
    public func addRoutes(to router: Router<Context>) {
        let group = router.group("api/enclave/agents").add(middleware: AgentsErrorMiddleware<Context>())
        group.post(use: register)
        group.get(use: list)
        group.post(":id/heartbeat", use: heartbeat)
        group.post(":id/revoke", use: revoke)
        let jobs = AgentJobRoutes(api: self)
        jobs.addRoutes(to: group)
        // What agents streamed of a run, for anyone who may see runs.
        router.group("api/enclave/runs").add(middleware: AgentsErrorMiddleware<Context>()).get(":run/log", use: jobs.runnerLog)
    }

    @Sendable func register(_ request: Request, context: Context) async throws -> Response {
        let caller = try await self.caller(request, agentWork: true)
        let body = try await AgentRequestBody.decode(Registration.self, from: request, limit: settings.maxBodyBytes)
        let draft = AgentDraft(name: try AgentRequestBody.name(body.name, field: "name"), accountID: caller.userID,
                               version: try AgentRequestBody.text(body.version, field: "version", limit: 64),
                               hostname: try AgentRequestBody.text(body.hostname, field: "hostname", limit: 255),
                               capacity: try AgentRequestBody.count(body.capacity, field: "capacity", in: 1...256),
                               pool: try body.pool.map { try AgentRequestBody.name($0, field: "pool") })
        let agent = try await agents.register(draft, at: Timestamp.now())
        return agentsAnswer(wire(agent), status: .created)
    }

    @Sendable func heartbeat(_ request: Request, context: Context) async throws -> Response {
        let caller = try await self.caller(request, agentWork: true)
        let id = try context.parameters.require("id").lowercased()
        let body = try await AgentRequestBody.decode(Heartbeat.self, from: request, limit: settings.maxBodyBytes)
        let capacity = try AgentRequestBody.count(body.capacity, field: "capacity", in: 1...256)
        let runs = try AgentRequestBody.runIDs(body.runs ?? [], limit: capacity)
        let agent = try await agents.heartbeat(id: id, accountID: caller.userID,
                                               running: try AgentRequestBody.count(body.running, field: "running", in: 0...capacity),
                                               capacity: capacity, at: Timestamp.now())
        let stop = try await jobs.renew(agentID: agent.id, runIDs: runs, leaseUntil: leaseEnd())
        try await endLostRuns()
        var answer = wire(agent)
        answer["stop"] = stop
        return agentsAnswer(answer)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        _ = try await caller(request, agentWork: false)
        try await endLostRuns()
        return agentsAnswer(["items": try await agents.agents().map(wire)])
    }

    @Sendable func revoke(_ request: Request, context: Context) async throws -> Response {
        _ = try await caller(request, agentWork: false)
        guard let agent = try await agents.revoke(id: try context.parameters.require("id").lowercased()) else {
            throw AgentsError.unknownAgent
        }
        return agentsAnswer(wire(agent))
    }

    /// The caller: an agent's account for agent work, an admin for the rest (or anyone who may
    /// see runs, for `readers`); anyone else is refused.
    func caller(_ request: Request, agentWork: Bool, readers: Bool = false) async throws -> Principal {
        guard let header = request.headers[.authorization], header.utf8.count <= 4096 else { throw AgentsError.unauthenticated }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer",
              let principal = try await identity.principal(forAPIKeyOrToken: parts[1].trimmingCharacters(in: .whitespaces)) else {
            throw AgentsError.unauthenticated
        }
        if agentWork, principal.role != .agent {
            throw AgentsError.forbidden("Only a service account with the role 'agent' registers and reports as an agent.")
        }
        if readers {
            guard principal.role.usesWorkspace else { throw AgentsError.forbidden("An agent's key reads no run logs.") }
            return principal
        }
        if !agentWork, !principal.isAdmin { throw AgentsError.forbidden("Only an admin lists and revokes agents.") }
        return principal
    }

    /// An agent as the API shows it.
    func wire(_ agent: Agent) -> [String: Any] {
        var fields: [String: Any] = [
            "id": agent.id, "name": agent.name, "account_id": agent.accountID, "version": agent.version, "hostname": agent.hostname,
            "capacity": agent.capacity, "running": agent.running, "pool": agent.pool, "registered": agent.registeredAt, "last_heartbeat": agent.lastHeartbeat,
            "state": agent.state(now: Date(), offlineAfter: settings.offlineAfterSeconds).rawValue,
            "heartbeat_seconds": settings.heartbeatSeconds,
        ]
        if let revoked = agent.revokedAt { fields["revoked"] = revoked }
        return fields
    }
}

/// A JSON answer of the agent API, refusals included.
func agentsAnswer(_ value: Any, status: HTTPResponse.Status = .ok) -> Response {
    let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data("{}".utf8)
    return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

/// How often agents report and when one counts as offline.
public struct AgentSettings: Sendable {
    public let heartbeatSeconds: Int
    public let maxBodyBytes: Int
    /// What becomes of a run whose agent stopped reporting.
    public let lostRuns: LostRunPolicy
    /// How long a triggered run may take before its agent ends it (a runaway run).
    public let runTimeoutSeconds: Int
    /// Three missed heartbeats: an agent is offline, and a run's lease runs out.
    public var offlineAfterSeconds: Double { Double(heartbeatSeconds * 3) }

    /// Settings with a heartbeat every `heartbeatSeconds`.
    public init(heartbeatSeconds: Int = 10, maxBodyBytes: Int = 64 * 1024, lostRuns: LostRunPolicy = .fail,
                runTimeoutSeconds: Int = 24 * 3600) {
        self.heartbeatSeconds = heartbeatSeconds; self.maxBodyBytes = maxBodyBytes
        self.lostRuns = lostRuns; self.runTimeoutSeconds = runTimeoutSeconds
    }
}
