import Foundation

/// The agent's life on its host: register, then heartbeat every interval the server asks
/// for and, between heartbeats, wait for a run to claim (a long poll) while it has room; each
/// claimed run goes to the `RunSupervisor`. While the server is away (restarting, network
/// down) runs go on, the agent keeps trying with a capped backoff, and when the server is
/// back it re-reports the runs it holds and how those that ended went. A refusal it cannot
/// mend (revoked, wrong role, the name taken) ends it with the server's reason.
public struct AgentWorker: Sendable {
    public let link: AgentLink
    public let name: String
    public let version: String
    public let capacity: Int
    /// The pool whose runs it claims; nil: its own name.
    public let pool: String?
    public let runs: RunSupervisor
    /// Where the agent says what happens (a line each).
    public let say: @Sendable (String) -> Void

    /// A worker reporting as `name` over `link`, running claimed runs as `runner` says.
    public init(link: AgentLink, name: String, version: String, capacity: Int, pool: String? = nil, runner: RunnerSettings,
                say: @escaping @Sendable (String) -> Void) {
        self.link = link; self.name = name; self.version = version; self.capacity = capacity; self.pool = pool; self.say = say
        runs = RunSupervisor(settings: runner, server: link.server, say: say)
    }

    /// Runs until cancelled (returns) or refused for good (throws `AgentFailure.refused`).
    public func run() async throws {
        var backoff = Backoff()
        while !Task.isCancelled {
            let registered: (id: String, interval: Int)
            do {
                registered = try await register()
                backoff.reset()
                say("registered as '\(name)' (agent \(registered.id)), capacity \(capacity), heartbeat every \(registered.interval) s")
            } catch AgentFailure.unreachable(let why) {
                let wait = backoff.next()
                say("cannot reach the server (\(why)); trying again in \(wait) s")
                try? await Task.sleep(for: .seconds(wait))
                continue
            }
            await runs.registered(as: registered.id)
            try await serve(id: registered.id, interval: registered.interval, backoff: &backoff)
        }
    }

    /// Stops the agent's work for good (it was asked to stop): ends its runners, waits up to
    /// 15 s for them, and tells the server once how they ended. Call outside the cancelled task.
    public func shutdown() async {
        await runs.stopAll()
        let deadline = Date().addingTimeInterval(15)
        while await runs.running > 0, Date() < deadline { try? await Task.sleep(for: .milliseconds(200)) }
        if let id = await runs.agentID { try? await sendReports(id: id) }
    }

    func register() async throws -> (id: String, interval: Int) {
        let hostname = ProcessInfo.processInfo.hostName
        var body: [String: Any] = ["name": name, "version": version, "hostname": String(hostname.prefix(255)), "capacity": capacity]
        if let pool { body["pool"] = pool }
        let answer = try await link.post("/api/enclave/agents", body)
        guard let id = answer["id"] as? String else { throw AgentFailure.unreachable("the registration answer had no id") }
        return (id, max(1, min(300, answer["heartbeat_seconds"] as? Int ?? 10)))
    }

    /// Heartbeats and claims until the server forgets the agent (returns, to register again)
    /// or refuses it for good.
    func serve(id: String, interval: Int, backoff: inout Backoff) async throws {
        var away = false
        var nextBeat = Date()
        while !Task.isCancelled {
            if away { try? await Task.sleep(for: .seconds(backoff.next())) }
            do {
                if away || Date() >= nextBeat {
                    try await heartbeat(id: id)
                    nextBeat = Date().addingTimeInterval(Double(interval))
                    if away { say("the server is back; reporting again") }
                    away = false
                    backoff.reset()
                    try await sendReports(id: id)
                }
                await runs.endOverdue()
                try await sendLogs(id: id)
                let untilBeat = max(0, nextBeat.timeIntervalSinceNow)
                if await runs.running < capacity {
                    // Wait for work on the server until the next heartbeat is due (a long poll).
                    let wait = min(20, Int(untilBeat))
                    let answer = try await link.post("/api/enclave/agents/\(id)/claim", ["wait": wait], deadline: Int64(wait + 10))
                    if let job = answer["job"] as? [String: Any], let run = ClaimedRun(job) {
                        await runs.start(run)
                    } else if wait == 0 {
                        try? await Task.sleep(for: .seconds(max(0.25, untilBeat)))
                    }
                } else {
                    try? await Task.sleep(for: .seconds(min(1, max(0.2, untilBeat))))
                }
                if !(await runs.reports.isEmpty) { try await sendReports(id: id) }
            } catch AgentFailure.unreachable(let why) {
                if !away { say("lost the server (\(why)); retrying with backoff up to \(Backoff.ceiling) s") }
                away = true
            } catch AgentFailure.refused(let status, _) where status == 404 {
                say("the server no longer knows this agent; registering again")
                return
            }
        }
    }

    /// Reports liveness with the runs in hand; stops those the server no longer holds.
    func heartbeat(id: String) async throws {
        let held = await runs.runIDs
        let answer = try await link.post("/api/enclave/agents/\(id)/heartbeat",
                                         ["running": await runs.running, "capacity": capacity, "runs": held])
        if let stop = answer["stop"] as? [String], !stop.isEmpty { await runs.stop(stop) }
    }

    /// Streams what the runners wrote since the last time; a run the server no longer takes is dropped.
    func sendLogs(id: String) async throws {
        for chunk in await runs.logChunks() {
            do {
                _ = try await link.post("/api/enclave/agents/\(id)/runs/\(chunk.runID)/log", ["offset": chunk.offset, "text": chunk.text])
                await runs.logSent(chunk.runID, upTo: chunk.offset + chunk.length)
            } catch AgentFailure.refused(let status, let detail) where status == 422 || Self.runNotHeld(status, detail) {
                await runs.dropLog(chunk.runID)
            }
        }
    }

    /// Whether a refusal says the server no longer holds the run for this agent (rather than
    /// that it forgot the agent itself, which registering again mends).
    static func runNotHeld(_ status: Int, _ detail: String) -> Bool {
        status == 403 || status == 404 && !detail.contains("no such agent")
    }

    /// Tells the server how ended runs went (after the rest of their logs); a run the server
    /// no longer holds is dropped.
    func sendReports(id: String) async throws {
        try await sendLogs(id: id)
        for report in await runs.reports {
            do {
                _ = try await link.post("/api/enclave/agents/\(id)/runs/\(report.runID)", ["state": report.state, "outcome": report.outcome])
                say("run \(report.runID): reported \(report.state)")
            } catch AgentFailure.refused(let status, let detail) where Self.runNotHeld(status, detail) {
                say("run \(report.runID): the server no longer holds it (\(detail))")
            }
            await runs.reported(report.runID)
        }
    }
}

/// Waits between attempts while the server is away: 1, 2, 4 … seconds, capped.
struct Backoff {
    static let ceiling = 30
    var current = 0

    mutating func next() -> Int {
        current = current == 0 ? 1 : min(Self.ceiling, current * 2)
        return current
    }

    mutating func reset() { current = 0 }
}
