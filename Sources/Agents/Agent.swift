import Foundation
import Storage

/// An agent in the compute zone as the control plane knows it: who registered it (its
/// service account), what it runs (version, capacity, runs in hand) and when it last
/// reported. Registration and heartbeats come from the agent over its outbound link.
public struct Agent: Sendable, Equatable {
    public let id: String
    public let name: String
    /// `users.id` of the service account whose key registered it; only that account may report for it.
    public let accountID: String
    public let version: String
    public let hostname: String
    /// How many runs it takes at once, and how many it holds now.
    public let capacity: Int
    public let running: Int
    public let registeredAt: String
    public let lastHeartbeat: String
    public let revokedAt: String?
    /// The pool whose queued runs it claims: a stack bound (label `enclave.agent`) to the pool
    /// is run by any of its agents. Its own name unless it registered with another.
    public let pool: String

    /// Online while heartbeats arrive within `offlineAfter` seconds; revoked for good once an admin says so.
    public func state(now: Date, offlineAfter seconds: Double) -> AgentState {
        if revokedAt != nil { return .revoked }
        guard let last = Timestamp.parse(lastHeartbeat) else { return .offline }
        return now.timeIntervalSince(last) <= seconds ? .online : .offline
    }
}

/// What an admin sees of an agent's link.
public enum AgentState: String, Sendable {
    case online, offline, revoked
}

/// What an agent says of itself when it registers (again, after a restart).
public struct AgentDraft: Sendable {
    public let name: String
    public let accountID: String
    public let version: String
    public let hostname: String
    public let capacity: Int
    /// The pool it serves; nil: its own name.
    public let pool: String?

    /// A draft for `accountID`'s agent `name` serving `pool` (nil: its own name).
    public init(name: String, accountID: String, version: String, hostname: String, capacity: Int, pool: String? = nil) {
        self.name = name; self.accountID = accountID; self.version = version; self.hostname = hostname; self.capacity = capacity
        self.pool = pool
    }
}
