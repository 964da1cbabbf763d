import PostgresNIO
import Storage

/// `SealedValueRepository` on PostgreSQL's `secrets_values` table, shared by every replica
/// (each opens the values with the one keyring the operator gives them all).
public struct PostgresSealedValueRepository: SealedValueRepository {
    let store: PostgresStore

    /// The values of `store`, whose migrations must include `SecretsMigrations.postgres`.
    public init(store: PostgresStore) { self.store = store }

    public func replace(secretID: String, with values: [SealedValue]) async throws {
        try await store.transaction { connection in
            _ = try await store.rows("DELETE FROM secrets_values WHERE secret_id = \(secretID)", on: connection)
            for value in values {
                let (key, sealed, keyID) = (value.key, value.sealed, value.keyID)
                _ = try await store.rows("INSERT INTO secrets_values (secret_id, key, sealed, key_id) VALUES (\(secretID), \(key), \(sealed), \(keyID))", on: connection)
            }
        }
    }

    public func values(secretID: String) async throws -> [SealedValue] {
        try await store.rows("SELECT secret_id, key, sealed, key_id FROM secrets_values WHERE secret_id = \(secretID)").map(Self.value)
    }

    public func delete(secretID: String) async throws {
        _ = try await store.rows("DELETE FROM secrets_values WHERE secret_id = \(secretID)")
    }

    public func count(notSealedWith keyID: String) async throws -> Int {
        try await store.rows("SELECT COUNT(*) FROM secrets_values WHERE key_id <> \(keyID)").first?.decode(Int.self) ?? 0
    }

    public func values(notSealedWith keyID: String, limit: Int) async throws -> [SealedValue] {
        let limit = Int64(max(0, limit))
        return try await store.rows("SELECT secret_id, key, sealed, key_id FROM secrets_values WHERE key_id <> \(keyID) LIMIT \(limit)").map(Self.value)
    }

    public func rewrap(_ changes: [(old: SealedValue, new: SealedValue)]) async throws -> Int {
        try await store.transaction { connection in
            var count = 0
            for (old, new) in changes {
                let (sealed, keyID, secretID, key, previous) = (new.sealed, new.keyID, old.secretID, old.key, old.sealed)
                count += try await store.rows("""
                    UPDATE secrets_values SET sealed = \(sealed), key_id = \(keyID)
                    WHERE secret_id = \(secretID) AND key = \(key) AND sealed = \(previous) RETURNING key
                    """, on: connection).count
            }
            return count
        }
    }

    public func samplePerKey() async throws -> [SealedValue] {
        try await store.rows("SELECT DISTINCT ON (key_id) secret_id, key, sealed, key_id FROM secrets_values ORDER BY key_id").map(Self.value)
    }

    static func value(_ row: PostgresRow) throws -> SealedValue {
        let (secretID, key, sealed, keyID) = try row.decode((String, String, String, String).self)
        return SealedValue(secretID: secretID, key: key, sealed: sealed, keyID: keyID)
    }
}
