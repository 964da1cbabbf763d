/// One value as the encrypted backend keeps it: sealed for its secret and key name, with the
/// id of the keyring key that sealed it.
public struct SealedValue: Sendable, Equatable {
    public let secretID: String
    public let key: String
    public let sealed: String
    public let keyID: String

    public init(secretID: String, key: String, sealed: String, keyID: String) {
        self.secretID = secretID; self.key = key; self.sealed = sealed; self.keyID = keyID
    }
}

/// Where `EncryptedSecretBackend` keeps sealed values: it seals and opens, the repository
/// only stores text it cannot read.
public protocol SealedValueRepository: Sendable {
    /// Replaces every value of `secretID` with `values`, in one transaction.
    func replace(secretID: String, with values: [SealedValue]) async throws
    /// The values of `secretID`.
    func values(secretID: String) async throws -> [SealedValue]
    /// Forgets every value of `secretID`.
    func delete(secretID: String) async throws
    /// How many values were sealed with a key other than `keyID`.
    func count(notSealedWith keyID: String) async throws -> Int
    /// Up to `limit` values sealed with a key other than `keyID`.
    func values(notSealedWith keyID: String, limit: Int) async throws -> [SealedValue]
    /// Writes each change's new sealed text and key only where the row still holds the old
    /// text (a value written meanwhile stays); how many rows changed.
    func rewrap(_ changes: [(old: SealedValue, new: SealedValue)]) async throws -> Int
    /// One value per key id that sealed any: what proves a keyring opens this database.
    func samplePerKey() async throws -> [SealedValue]
}
