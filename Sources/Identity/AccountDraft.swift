/// What is needed to create an account: a person (with a password) or a service account.
public struct AccountDraft: Sendable {
    public var name: String
    public var fullName: String = ""
    public var email: String?
    /// Plain password; hashed before it is stored. Service accounts have none.
    public var password: String?
    public var role: Role
    public var isServiceAccount: Bool = false
    public var description: String?
    public var active: Bool = true
    public var avatarUrl: String?

    /// Creates a draft for `name` with `role`; set the rest as needed.
    public init(name: String, role: Role) {
        self.name = name
        self.role = role
    }
}

/// A partial update of an account: nil fields stay as they are.
public struct AccountChanges: Sendable {
    public var name: String?
    public var fullName: String?
    public var email: String?
    public var password: String?
    /// Required with `password` when callers change their own password.
    public var oldPassword: String?
    public var role: Role?
    public var active: Bool?
    public var description: String?
    public var avatarUrl: String?
    public var defaultProjectId: String?
    public var emailOptedIn: Bool?
    public var userMetadata: String?

    /// An empty change set.
    public init() {}
}

/// A bearer token just issued, with its lifetime in seconds; the token itself is never stored.
public struct IssuedToken: Sendable {
    public let token: String
    public let expiresIn: Int
}
