/// The built-in backend: every value sealed by `SecretCipher` (its own data key, bound to
/// the secret and the key name) and kept by a `SealedValueRepository`. A key rotation
/// re-wraps rows in batches, each row replaced only if nobody changed it meanwhile, so a
/// write that races the rotation is never overwritten by an older value.
public struct EncryptedSecretBackend: SecretBackend {
    let sealedValues: any SealedValueRepository
    let keys: any CipherSource

    /// Values kept in `values`, sealed with the cipher `keys` gives at each call (the
    /// keyring file, re-read when it changes).
    public init(values: any SealedValueRepository, keys: any CipherSource) {
        sealedValues = values
        self.keys = keys
    }

    /// The cipher in use now.
    public var cipher: SecretCipher { get throws { try keys.currentCipher() } }

    public func store(secretID: String, values: [String: String]) async throws {
        // Sealed before the transaction: no crypto while holding the write lock.
        let cipher = try keys.currentCipher()
        let keyID = cipher.keyring.primaryID
        let sealed = try values.map { key, value in
            SealedValue(secretID: secretID, key: key, sealed: try cipher.seal(value, secretID: secretID, field: key), keyID: keyID)
        }
        try await sealedValues.replace(secretID: secretID, with: sealed)
    }

    public func values(secretID: String) async throws -> [String: String] {
        let rows = try await sealedValues.values(secretID: secretID)
        let cipher = try keys.currentCipher()
        var values: [String: String] = [:]
        for row in rows { values[row.key] = try cipher.open(row.sealed, secretID: row.secretID, field: row.key) }
        return values
    }

    public func delete(secretID: String) async throws {
        try await sealedValues.delete(secretID: secretID)
    }

    /// How many values are still sealed under a key other than the primary one.
    public func valuesToRewrap() async throws -> Int {
        try await sealedValues.count(notSealedWith: try keys.currentCipher().keyring.primaryID)
    }

    /// Re-wraps up to `limit` values onto the primary key; returns how many it moved. A row
    /// written meanwhile (already on the primary key, or changed) is left as it is.
    public func rewrapBatch(limit: Int) async throws -> Int {
        let cipher = try keys.currentCipher()
        let primary = cipher.keyring.primaryID
        let rows = try await sealedValues.values(notSealedWith: primary, limit: limit)
        let changes = try rows.map { row in
            (old: row, new: SealedValue(secretID: row.secretID, key: row.key,
                                        sealed: try cipher.rewrap(row.sealed, secretID: row.secretID, field: row.key), keyID: primary))
        }
        return try await sealedValues.rewrap(changes)
    }
}
