/// What an account may do. Admins manage users and service accounts; editors write
/// every other resource; viewers only read; an agent's service account only does agent
/// work (registering, heartbeats, runs handed to it) and is refused by every other API.
public enum Role: String, Sendable, CaseIterable, Codable {
    case admin, editor, viewer, agent

    /// Whether this role may create, change or delete resources other than its own account.
    public var canWrite: Bool { self == .admin || self == .editor }

    /// Whether this role may use the ZenML and MLflow APIs and the dashboard at all.
    public var usesWorkspace: Bool { self != .agent }
}
