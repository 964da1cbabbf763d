/// Everything Identity refuses, typed so each API can map it to its own wire format.
public enum IdentityError: Error, Equatable, Sendable {
    /// No credentials, or credentials that do not match (never says which part was wrong).
    case credentialsNotValid(String)
    /// The caller is authenticated but not allowed to do this.
    case forbidden(String)
    /// A user, service account or API key that does not exist.
    case notFound(String)
    /// A name that is already taken.
    case alreadyExists(String)
    /// A request the rules refuse (bad name, weak password, activation twice…).
    case invalid(String)
    /// Stored identity data is missing or unreadable: the server's fault, not the caller's.
    case damaged(String)
}

extension IdentityError {
    /// No account (a service account when `serviceAccount`) has this id or name.
    static func noAccount(_ idOrName: String, serviceAccount: Bool?) -> IdentityError {
        .notFound("No \(serviceAccount == true ? "service account" : "user") with name or ID '\(idOrName)' found.")
    }
}
