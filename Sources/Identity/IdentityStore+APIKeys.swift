import Foundation
import GRDB
@_spi(SQLiteImplementation) import Storage

extension IdentityStore {
    /// Makes a new API key for a service account; the returned string is the only time the key exists in full.
    public func createAPIKey(serviceAccount idOrName: String, name: String, description: String, actor: Principal) async throws -> (APIKey, String) {
        guard actor.isAdmin else { throw IdentityError.forbidden("Only an admin can manage API keys.") }
        try Self.validate(name: name)
        let secret = CredentialDigest.randomHex(bytes: 32)
        return try await write { db in
            let owner = try Self.account(idOrName, serviceAccount: true, db: db)
            let now = Timestamp.now()
            let key = APIKey(id: UUID().uuidString.lowercased(), serviceAccountId: owner.id, name: name, description: description,
                             keyHash: CredentialDigest.digest(secret), active: true, lastLogin: nil, lastRotated: nil,
                             created: now, updated: now)
            do {
                try key.insert(db)
            } catch where ConstraintViolation(error) == .duplicate(table: "api_keys") {
                throw IdentityError.alreadyExists("An API key named '\(name)' already exists for service account '\(owner.name)'.")
            }
            return (key, APIKeyCredential(keyID: key.id, secret: secret).encoded)
        }
    }

    /// The API keys of a service account, oldest first.
    public func apiKeys(serviceAccount idOrName: String) async throws -> (Account, [APIKey]) {
        try await store.database.read { db in
            let owner = try Self.account(idOrName, serviceAccount: true, db: db)
            return (owner, try APIKey.filter(Column("service_account_id") == owner.id).order(Column("created")).fetchAll(db))
        }
    }

    /// One API key of a service account, by id or name.
    public func apiKey(serviceAccount idOrName: String, key keyIDOrName: String) async throws -> (Account, APIKey) {
        try await store.database.read { db in try Self.apiKey(idOrName, keyIDOrName, db: db) }
    }

    static func apiKey(_ owner: String, _ key: String, db: GRDB.Database) throws -> (Account, APIKey) {
        let account = try Self.account(owner, serviceAccount: true, db: db)
        guard let apiKey = try APIKey.filter(Column("service_account_id") == account.id)
            .filter(Column("id") == key.lowercased() || Column("name") == key).fetchOne(db)
        else { throw IdentityError.notFound("No API key with name or ID '\(key)' found.") }
        return (account, apiKey)
    }

    /// Renames, re-describes or (de)activates an API key; deactivation revokes its tokens.
    public func updateAPIKey(serviceAccount owner: String, key: String, name: String?, description: String?, active: Bool?, actor: Principal) async throws -> (Account, APIKey) {
        guard actor.isAdmin else { throw IdentityError.forbidden("Only an admin can manage API keys.") }
        if let name { try Self.validate(name: name) }
        return try await write { db in
            var (account, apiKey) = try Self.apiKey(owner, key, db: db)
            if let name { apiKey.name = name }
            if let description { apiKey.description = description }
            if let active {
                apiKey.active = active
                if !active { try db.execute(sql: "DELETE FROM access_tokens WHERE api_key_id = ?", arguments: [apiKey.id]) }
            }
            apiKey.updated = Timestamp.now()
            try apiKey.update(db)
            return (account, apiKey)
        }
    }

    /// Replaces an API key's secret; the old one stops working at once, with its tokens.
    public func rotateAPIKey(serviceAccount owner: String, key: String, actor: Principal) async throws -> (Account, APIKey, String) {
        guard actor.isAdmin else { throw IdentityError.forbidden("Only an admin can manage API keys.") }
        let secret = CredentialDigest.randomHex(bytes: 32)
        return try await write { db in
            var (account, apiKey) = try Self.apiKey(owner, key, db: db)
            apiKey.keyHash = CredentialDigest.digest(secret)
            let now = Timestamp.now()
            apiKey.lastRotated = now
            apiKey.updated = now
            try apiKey.update(db)
            try db.execute(sql: "DELETE FROM access_tokens WHERE api_key_id = ?", arguments: [apiKey.id])
            return (account, apiKey, APIKeyCredential(keyID: apiKey.id, secret: secret).encoded)
        }
    }

    /// Deletes an API key; every token issued for it is revoked with it.
    public func deleteAPIKey(serviceAccount owner: String, key: String, actor: Principal) async throws {
        guard actor.isAdmin else { throw IdentityError.forbidden("Only an admin can manage API keys.") }
        try await write { db in
            let (_, apiKey) = try Self.apiKey(owner, key, db: db)
            try db.execute(sql: "DELETE FROM access_tokens WHERE api_key_id = ?", arguments: [apiKey.id])
            _ = try apiKey.delete(db)
        }
    }
}
