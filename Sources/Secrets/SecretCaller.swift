/// Who is asking, as the secret store needs to know it: the account, what its role lets
/// it do, and the peer address the audit trail records.
public struct SecretCaller: Sendable, Equatable {
    public let userID: String
    public let name: String
    /// Editors and admins write public secrets and read their values; viewers see names only.
    public let mayWrite: Bool
    public let address: String?

    /// A caller of the API (or the local operator, for the CLI).
    public init(userID: String, name: String, mayWrite: Bool, address: String?) {
        self.userID = userID; self.name = name; self.mayWrite = mayWrite; self.address = address
    }

    /// The operator on this host, running an `enclave` command against the data folder.
    public static let localOperator = SecretCaller(userID: "local", name: "enclave CLI (local operator)", mayWrite: true, address: nil)

    /// How the audit trail names the caller.
    var auditName: String { "\(name) (\(userID))" }

    /// Whether the secret exists for this caller at all: a private one only for its owner.
    public func sees(_ record: SecretRecord) -> Bool { !record.isPrivate || record.userID == userID }

    /// Whether the caller gets the values: its own private secrets, and public ones when
    /// its role writes (ZenML answers readers without the values).
    public func readsValues(of record: SecretRecord) -> Bool { sees(record) && (record.isPrivate || mayWrite) }

    /// Whether the caller may change or delete the secret.
    public func writes(_ record: SecretRecord) -> Bool { sees(record) && mayWrite }
}
