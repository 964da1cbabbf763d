/// A row of `users`: a person or a service account. Both log in; service accounts only
/// through API keys.
public struct Account: Codable, Sendable {
    public var id: String
    public var name: String
    public var fullName: String
    public var email: String?
    /// bcrypt hash; nil for service accounts and users without a password.
    public var passwordHash: String?
    public var role: Role
    public var isServiceAccount: Bool
    public var active: Bool
    public var description: String?
    public var avatarUrl: String?
    public var defaultProjectId: String?
    public var emailOptedIn: Bool?
    /// Opaque JSON object the client stores for the user.
    public var userMetadata: String
    public var passwordChangedAt: String?
    public var created: String
    public var updated: String

    /// Whether this account is an administrator (ZenML's `is_admin`).
    public var isAdmin: Bool { role == .admin }

    enum CodingKeys: String, CodingKey {
        case id, name, email, role, active, description, created, updated
        case fullName = "full_name", passwordHash = "password_hash", isServiceAccount = "is_service_account"
        case avatarUrl = "avatar_url", defaultProjectId = "default_project_id", emailOptedIn = "email_opted_in"
        case userMetadata = "user_metadata", passwordChangedAt = "password_changed_at"
    }
}
