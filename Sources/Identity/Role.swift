/// What an account may do. Admins manage users and service accounts; editors write
/// every other resource; viewers only read.
public enum Role: String, Sendable, CaseIterable, Codable {
    case admin, editor, viewer

    /// Whether this role may create, change or delete resources other than its own account.
    public var canWrite: Bool { self != .viewer }
}
