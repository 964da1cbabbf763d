import GRDB
@_spi(SQLiteImplementation) import Storage

/// `SealedValueRepository` on the shared SQLite database's `secrets_values` table.
public struct SQLiteSealedValueRepository: SealedValueRepository {
    let store: StateStore

    /// The values of `store`, whose migrations must include `SecretsMigrations.set`.
    public init(store: StateStore) { self.store = store }

    public func replace(secretID: String, with values: [SealedValue]) async throws {
        try await store.database.guardedWrite { db in
            try db.execute(sql: "DELETE FROM secrets_values WHERE secret_id = ?", arguments: [secretID])
            for value in values {
                try db.cachedStatement(sql: "INSERT INTO secrets_values (secret_id, key, sealed, key_id) VALUES (?, ?, ?, ?)")
                    .execute(arguments: [value.secretID, value.key, value.sealed, value.keyID])
            }
        }
    }

    public func values(secretID: String) async throws -> [SealedValue] {
        try await store.database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM secrets_values WHERE secret_id = ?", arguments: [secretID]).map(Self.value)
        }
    }

    public func delete(secretID: String) async throws {
        try await store.database.guardedWrite { db in try db.execute(sql: "DELETE FROM secrets_values WHERE secret_id = ?", arguments: [secretID]) }
    }

    public func count(notSealedWith keyID: String) async throws -> Int {
        try await store.database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM secrets_values WHERE key_id <> ?", arguments: [keyID]) ?? 0
        }
    }

    public func values(notSealedWith keyID: String, limit: Int) async throws -> [SealedValue] {
        try await store.database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM secrets_values WHERE key_id <> ? LIMIT ?", arguments: [keyID, limit]).map(Self.value)
        }
    }

    public func rewrap(_ changes: [(old: SealedValue, new: SealedValue)]) async throws -> Int {
        try await store.database.guardedWrite { db in
            var count = 0
            for (old, new) in changes {
                try db.cachedStatement(sql: "UPDATE secrets_values SET sealed = ?, key_id = ? WHERE secret_id = ? AND key = ? AND sealed = ?")
                    .execute(arguments: [new.sealed, new.keyID, old.secretID, old.key, old.sealed])
                count += db.changesCount
            }
            return count
        }
    }

    public func samplePerKey() async throws -> [SealedValue] {
        try await store.database.read { db in try Self.samplePerKey(db) }
    }

    /// One value per key id in `db` (also read by `KeyringGate` from a file not opened yet).
    static func samplePerKey(_ db: Database) throws -> [SealedValue] {
        guard try db.tableExists("secrets_values") else { return [] }
        return try String.fetchAll(db, sql: "SELECT DISTINCT key_id FROM secrets_values").compactMap { keyID in
            try Row.fetchOne(db, sql: "SELECT * FROM secrets_values WHERE key_id = ? LIMIT 1", arguments: [keyID]).map(Self.value)
        }
    }

    static func value(_ row: Row) throws -> SealedValue {
        SealedValue(secretID: try row.decode(forColumn: "secret_id"), key: try row.decode(forColumn: "key"),
                    sealed: try row.decode(forColumn: "sealed"), keyID: try row.decode(forColumn: "key_id"))
    }
}

extension EncryptedSecretBackend {
    /// Values in the SQLite `store` (its migrations include `SecretsMigrations.set`) sealed
    /// with the cipher `keys` gives at each call.
    public init(store: StateStore, keys: any CipherSource) {
        self.init(values: SQLiteSealedValueRepository(store: store), keys: keys)
    }

    /// Values in the SQLite `store` sealed with one fixed cipher.
    public init(store: StateStore, cipher: SecretCipher) {
        self.init(values: SQLiteSealedValueRepository(store: store), keys: cipher)
    }
}
