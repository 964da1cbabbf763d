import Crypto
import Foundation
import GRDB
@_spi(SQLiteImplementation) import Storage

extension IdentityStore {
    /// The caller of a request that carries a person's name and password itself (HTTP
    /// basic auth), or nil. A password checked in the last few minutes is not hashed again
    /// while the account's stored hash is unchanged, so a password change ends it at once.
    public func principal(username: String, password: String) async throws -> Principal? {
        guard !username.isEmpty, username.utf8.count <= 512, password.utf8.count <= 1024 else { return nil }
        let key = VerifiedPasswords.key(username: username, password: password)
        let account = try await store.database.read { db in try Account.filter(Column("name") == username).fetchOne(db) }
        guard let account, account.active, !account.isServiceAccount, let hash = account.passwordHash else {
            _ = try? await login(username: username, password: password)  // the same time as a wrong password
            return nil
        }
        if verifiedPasswords.matches(key, hash: hash) == false {
            guard try await hasher.verify(password, hash: hash) else { return nil }
            verifiedPasswords.remember(key, hash: hash)
        }
        return Principal(userID: account.id, name: account.name, role: account.role, isServiceAccount: false, apiKeyID: nil, tokenHash: "")
    }

    /// The caller of a request that carries an API key or an access token as its bearer
    /// credential, or nil. An API key is checked directly; no token is issued for it.
    public func principal(forAPIKeyOrToken credential: String) async throws -> Principal? {
        guard let key = APIKeyCredential(encoded: credential) else { return try await principal(forBearer: credential) }
        return try await store.database.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT k.key_hash, k.active AS key_active, u.id AS user_id, u.name, u.role, u.is_service_account, u.active AS user_active
                FROM api_keys k JOIN users u ON u.id = k.service_account_id WHERE k.id = ?
                """, arguments: [key.keyID]),
                CredentialDigest.matches(CredentialDigest.digest(key.secret), (try row.decode(forColumn: "key_hash"))),
                (try row.decode(Bool.self, forColumn: "key_active")), (try row.decode(Bool.self, forColumn: "user_active")),
                let role = Role(rawValue: (try row.decode(forColumn: "role")))
            else { return nil }
            return Principal(userID: (try row.decode(forColumn: "user_id")), name: (try row.decode(forColumn: "name")), role: role,
                             isServiceAccount: (try row.decode(forColumn: "is_service_account")), apiKeyID: key.keyID, tokenHash: "")
        }
    }
}

/// Recently verified (name, password) pairs, as digests with the stored hash they matched
/// and when: forgotten after five minutes, when the stored hash changes, or beyond 10,000.
final class VerifiedPasswords: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: (hash: String, at: Date)] = [:]
    static let lifetime: TimeInterval = 300

    static func key(username: String, password: String) -> String {
        SHA256.hash(data: Data((username + "\u{0}" + password).utf8)).map { String(format: "%02x", $0) }.joined()
    }

    func matches(_ key: String, hash: String) -> Bool {
        lock.withLock {
            guard let entry = entries[key], entry.hash == hash, Date().timeIntervalSince(entry.at) < Self.lifetime else { return false }
            return true
        }
    }

    func remember(_ key: String, hash: String) {
        lock.withLock {
            if entries.count >= 10_000 { entries.removeAll() }
            entries[key] = (hash, Date())
        }
    }
}
