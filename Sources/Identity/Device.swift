/// A client signed in with OAuth's device flow: pending until a person approves its code in
/// the dashboard, then active; its tokens end when it is revoked.
public struct Device: Sendable, Equatable {
    public let id: String
    public let clientID: String
    public let userID: String?
    /// `pending`, `verified` (approved, code not yet exchanged), `active` or `locked`.
    public let status: String
    public let hostname: String?
    public let os: String?
    public let pythonVersion: String?
    public let zenmlVersion: String?
    public let ipAddress: String?
    public let trusted: Bool
    public let expiresAt: String
    public let lastLogin: String?
    public let created: String
    public let updated: String
}

/// What the client says about itself when it asks to sign in (its User-Agent header).
public struct DeviceDetails: Sendable {
    public var hostname: String?
    public var os: String?
    public var pythonVersion: String?
    public var zenmlVersion: String?
    public var ipAddress: String?

    /// Details, all optional.
    public init(hostname: String? = nil, os: String? = nil, pythonVersion: String? = nil, zenmlVersion: String? = nil, ipAddress: String? = nil) {
        self.hostname = hostname
        self.os = os
        self.pythonVersion = pythonVersion
        self.zenmlVersion = zenmlVersion
        self.ipAddress = ipAddress
    }
}

/// The codes a device gets: `deviceCode` stays with the client, `userCode` is what the
/// person confirms in the dashboard.
public struct DeviceAuthorization: Sendable {
    public let deviceID: String
    public let deviceCode: String
    public let userCode: String
    public let expiresIn: Int
    public let interval: Int
}

/// Why a device-code exchange gave no token, in OAuth's words (RFC 8628 §3.5).
public enum DeviceLoginError: Error, Equatable, Sendable {
    case authorizationPending, expiredToken, accessDenied, invalidGrant

    /// The `error` value of OAuth's answer.
    public var code: String {
        switch self {
        case .authorizationPending: return "authorization_pending"
        case .expiredToken: return "expired_token"
        case .accessDenied: return "access_denied"
        case .invalidGrant: return "invalid_grant"
        }
    }
}
