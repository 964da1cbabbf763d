import Crypto
import Foundation
import Storage

extension IdentityStore {
    /// The caller of a request that carries a person's name and password itself (HTTP
    /// basic auth), or nil. A password checked in the last few minutes is not hashed again
    /// while the account's stored hash is unchanged, so a password change ends it at once.
    public func principal(username: String, password: String) async throws -> Principal? {
        guard !username.isEmpty, username.utf8.count <= 512, password.utf8.count <= 1024 else { return nil }
        let key = VerifiedPasswords.key(username: username, password: password)
        let account = try await repository.account(named: username)
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
        guard let (apiKey, owner) = try await repository.apiKeyWithOwner(keyID: key.keyID),
              CredentialDigest.matches(CredentialDigest.digest(key.secret), apiKey.keyHash), apiKey.active, owner.active
        else { return nil }
        return Principal(userID: owner.id, name: owner.name, role: owner.role, isServiceAccount: owner.isServiceAccount,
                         apiKeyID: key.keyID, tokenHash: "")
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
