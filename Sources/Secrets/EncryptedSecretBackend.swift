import GRDB
@_spi(SQLiteImplementation) import Storage

/// The built-in backend: every value sealed by `SecretCipher` (its own data key, bound to
/// the secret and the key name) in `secrets_values`. A key rotation re-wraps rows in
/// batches, each row replaced only if nobody changed it meanwhile, so a write that races
/// the rotation is never overwritten by an older value.
public struct EncryptedSecretBackend: SecretBackend {
    let store: StateStore
    let keys: any CipherSource

    /// Values in `store` (its migrations include `SecretsMigrations.set`) sealed with the
    /// cipher `keys` gives at each call (the keyring file, re-read when it changes).
    public init(store: StateStore, keys: any CipherSource) {
        self.store = store
        self.keys = keys
    }

    /// Values sealed with one fixed cipher.
    public init(store: StateStore, cipher: SecretCipher) {
        self.init(store: store, keys: cipher)
    }

    /// The cipher in use now.
    public var cipher: SecretCipher { get throws { try keys.currentCipher() } }

    public func store(secretID: String, values: [String: String]) async throws {
        // Sealed before the transaction: no crypto while holding the write lock.
        let cipher = try keys.currentCipher()
        let sealed = try values.map { key, value in (key, try cipher.seal(value, secretID: secretID, field: key)) }
        let keyID = cipher.keyring.primaryID
        try await store.database.guardedWrite { db in
            try db.execute(sql: "DELETE FROM secrets_values WHERE secret_id = ?", arguments: [secretID])
            for (key, text) in sealed {
                try db.cachedStatement(sql: "INSERT INTO secrets_values (secret_id, key, sealed, key_id) VALUES (?, ?, ?, ?)")
                    .execute(arguments: [secretID, key, text, keyID])
            }
        }
    }

    public func values(secretID: String) async throws -> [String: String] {
        let rows = try await store.database.read { db in
            try SealedValueRow.fetchAll(db, sql: "SELECT secret_id, key, sealed FROM secrets_values WHERE secret_id = ?", arguments: [secretID])
        }
        let cipher = try keys.currentCipher()
        var values: [String: String] = [:]
        for row in rows { values[row.key] = try cipher.open(row.sealed, secretID: row.secretID, field: row.key) }
        return values
    }

    public func delete(secretID: String) async throws {
        try await store.database.guardedWrite { db in try db.execute(sql: "DELETE FROM secrets_values WHERE secret_id = ?", arguments: [secretID]) }
    }

    /// How many values are still sealed under a key other than the primary one.
    public func valuesToRewrap() async throws -> Int {
        let cipher = try keys.currentCipher()
        return try await store.database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM secrets_values WHERE key_id <> ?", arguments: [cipher.keyring.primaryID]) ?? 0
        }
    }

    /// Re-wraps up to `limit` values onto the primary key; returns how many it moved. A row
    /// written meanwhile (already on the primary key, or changed) is left as it is.
    public func rewrapBatch(limit: Int) async throws -> Int {
        let cipher = try keys.currentCipher()
        let primary = cipher.keyring.primaryID
        let rows = try await store.database.read { db in
            try SealedValueRow.fetchAll(db, sql: "SELECT secret_id, key, sealed FROM secrets_values WHERE key_id <> ? LIMIT ?", arguments: [primary, limit])
        }
        let moved = try rows.map { ($0, try cipher.rewrap($0.sealed, secretID: $0.secretID, field: $0.key)) }
        return try await store.database.guardedWrite { db in
            var count = 0
            for (row, sealed) in moved {
                try db.cachedStatement(sql: "UPDATE secrets_values SET sealed = ?, key_id = ? WHERE secret_id = ? AND key = ? AND sealed = ?")
                    .execute(arguments: [sealed, primary, row.secretID, row.key, row.sealed])
                count += db.changesCount
            }
            return count
        }
    }
}

/// A row of `secrets_values`.
struct SealedValueRow: FetchableRecord {
    let secretID: String
    let key: String
    let sealed: String

    init(row: Row) throws {
        secretID = row["secret_id"]
        key = row["key"]
        sealed = row["sealed"]
    }
}
