import Foundation
import Storage

extension IdentityStore {
    /// Makes a new API key for a service account; the returned string is the only time the key exists in full.
    public func createAPIKey(serviceAccount idOrName: String, name: String, description: String, actor: Principal) async throws -> (APIKey, String) {
        guard actor.isAdmin else { throw IdentityError.forbidden("Only an admin can manage API keys.") }
        try Self.validate(name: name)
        let secret = CredentialDigest.randomHex(bytes: 32)
        let (_, key) = try await changing {
            try await repository.insertAPIKey(serviceAccount: idOrName) { owner in
                let now = Timestamp.now()
                return APIKey(id: UUID().uuidString.lowercased(), serviceAccountId: owner.id, name: name, description: description,
                              keyHash: CredentialDigest.digest(secret), active: true, lastLogin: nil, lastRotated: nil,
                              created: now, updated: now)
            }
        }
        return (key, APIKeyCredential(keyID: key.id, secret: secret).encoded)
    }

    /// The API keys of a service account, oldest first.
    public func apiKeys(serviceAccount idOrName: String) async throws -> (Account, [APIKey]) {
        try await repository.apiKeys(serviceAccount: idOrName)
    }

    /// One API key of a service account, by id or name.
    public func apiKey(serviceAccount idOrName: String, key keyIDOrName: String) async throws -> (Account, APIKey) {
        try await repository.apiKey(serviceAccount: idOrName, key: keyIDOrName)
    }

    /// Renames, re-describes or (de)activates an API key; deactivation revokes its tokens.
    public func updateAPIKey(serviceAccount owner: String, key: String, name: String?, description: String?, active: Bool?, actor: Principal) async throws -> (Account, APIKey) {
        guard actor.isAdmin else { throw IdentityError.forbidden("Only an admin can manage API keys.") }
        if let name { try Self.validate(name: name) }
        return try await changing {
            try await repository.updateAPIKey(serviceAccount: owner, key: key) { apiKey in
                if let name { apiKey.name = name }
                if let description { apiKey.description = description }
                if let active { apiKey.active = active }
                apiKey.updated = Timestamp.now()
                return active == false
            }
        }
    }

    /// Replaces an API key's secret; the old one stops working at once, with its tokens.
    public func rotateAPIKey(serviceAccount owner: String, key: String, actor: Principal) async throws -> (Account, APIKey, String) {
        guard actor.isAdmin else { throw IdentityError.forbidden("Only an admin can manage API keys.") }
        let secret = CredentialDigest.randomHex(bytes: 32)
        let (account, apiKey) = try await changing {
            try await repository.updateAPIKey(serviceAccount: owner, key: key) { apiKey in
                apiKey.keyHash = CredentialDigest.digest(secret)
                let now = Timestamp.now()
                apiKey.lastRotated = now
                apiKey.updated = now
                return true
            }
        }
        return (account, apiKey, APIKeyCredential(keyID: apiKey.id, secret: secret).encoded)
    }

    /// Deletes an API key; every token issued for it is revoked with it.
    public func deleteAPIKey(serviceAccount owner: String, key: String, actor: Principal) async throws {
        guard actor.isAdmin else { throw IdentityError.forbidden("Only an admin can manage API keys.") }
        try await changing { try await repository.deleteAPIKey(serviceAccount: owner, key: key) }
    }
}
