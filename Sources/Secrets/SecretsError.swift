/// What can go wrong with the keyring or a sealed value. Messages never carry a value or
/// key material.
public enum SecretsError: Error, Equatable, Sendable {
    /// The keyring file is missing, unreadable, malformed or too open (says which and why).
    case keyring(String)
    /// A sealed value names a key the keyring does not hold.
    case unknownKey(String)
    /// A sealed value does not open: wrong key, edited bytes, or moved to another secret or field.
    case tampered(String)
    /// A sealed value is not in any format this store writes.
    case malformed(String)
}
