/// The authenticated caller of one request, resolved from its bearer token.
public struct Principal: Sendable, Equatable {
    /// `users.id` of the caller (a person or a service account).
    public let userID: String
    public let name: String
    public let role: Role
    public let isServiceAccount: Bool
    /// The API key the token was issued for, if any.
    public let apiKeyID: String?
    /// SHA-256 of the bearer token, so logout can revoke exactly this one.
    public let tokenHash: String

    /// Whether the caller may manage users and service accounts.
    public var isAdmin: Bool { role == .admin }
}
