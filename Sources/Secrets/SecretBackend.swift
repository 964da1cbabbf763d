/// Where secret values live. Names, owners and scopes stay in Enclave's database whatever
/// the backend; a backend keeps only the values of a secret, by its id. The built-in
/// `EncryptedSecretBackend` seals them into Enclave's own database; a store the site runs
/// (Vault, a cloud KMS-backed store, an HSM gateway) plugs in as another implementation,
/// without the API layer changing.
public protocol SecretBackend: Sendable {
    /// Replaces all values of the secret `secretID` with `values`.
    func store(secretID: String, values: [String: String]) async throws
    /// The secret's values (empty when it has none).
    func values(secretID: String) async throws -> [String: String]
    /// Forgets the secret's values.
    func delete(secretID: String) async throws
}
