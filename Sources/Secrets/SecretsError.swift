/// What can go wrong with the secret store, the keyring or a sealed value. Messages never
/// carry a value or key material.
public enum SecretsError: Error, Equatable, Sendable {
    /// The keyring file is missing, unreadable, malformed or too open (says which and why).
    case keyring(String)
    /// A sealed value names a key the keyring does not hold.
    case unknownKey(String)
    /// A sealed value does not open: wrong key, edited bytes, or moved to another secret or field.
    case tampered(String)
    /// A sealed value is not in any format this store writes.
    case malformed(String)
    /// No secret with this id exists for the caller (a private secret of another user included).
    case notFound(String)
    /// The name is taken in the secret's scope.
    case nameTaken(String)
    /// The caller's role does not allow this.
    case forbidden(String)
    /// A name or key the store does not accept (empty, too long, control characters).
    case invalid(String)
}

extension SecretsError: CustomStringConvertible {
    /// The message alone: what the operator reads when a start or a command stops on it.
    public var description: String {
        switch self {
        case let .keyring(message), let .unknownKey(message), let .tampered(message), let .malformed(message),
             let .notFound(message), let .nameTaken(message), let .forbidden(message), let .invalid(message):
            return message
        }
    }
}
