import Foundation

/// The agent's life on its host: register, then heartbeat every interval the server asks
/// for. While the server is away (restarting, network down) it keeps trying with a capped
/// backoff and takes up its registration again when the server is back; a refusal it
/// cannot mend (revoked, wrong role, the name taken) ends it with the server's reason.
public struct AgentWorker: Sendable {
    public let link: AgentLink
    public let name: String
    public let version: String
    public let capacity: Int
    /// Where the agent says what happens (a line each).
    public let say: @Sendable (String) -> Void

    /// A worker reporting as `name` over `link`.
    public init(link: AgentLink, name: String, version: String, capacity: Int, say: @escaping @Sendable (String) -> Void) {
        self.link = link; self.name = name; self.version = version; self.capacity = capacity; self.say = say
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
            try await beat(id: registered.id, interval: registered.interval, backoff: &backoff)
        }
    }

    func register() async throws -> (id: String, interval: Int) {
        let hostname = ProcessInfo.processInfo.hostName
        let answer = try await link.post("/api/enclave/agents", ["name": name, "version": version, "hostname": String(hostname.prefix(255)),
                                                                 "capacity": capacity])
        guard let id = answer["id"] as? String else { throw AgentFailure.unreachable("the registration answer had no id") }
        return (id, max(1, min(300, answer["heartbeat_seconds"] as? Int ?? 10)))
    }

    /// Heartbeats until the server forgets the agent (returns, to register again) or refuses it for good.
    func beat(id: String, interval: Int, backoff: inout Backoff) async throws {
        var away = false
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(away ? backoff.next() : interval))
            do {
                _ = try await link.post("/api/enclave/agents/\(id)/heartbeat", ["running": 0, "capacity": capacity])
                if away { say("the server is back; reporting again") }
                away = false
                backoff.reset()
            } catch AgentFailure.unreachable(let why) {
                if !away { say("lost the server (\(why)); retrying with backoff up to \(Backoff.ceiling) s") }
                away = true
            } catch AgentFailure.refused(let status, _) where status == 404 {
                say("the server no longer knows this agent; registering again")
                return
            }
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
