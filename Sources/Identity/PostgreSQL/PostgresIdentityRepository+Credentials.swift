import PostgresNIO
import Storage

extension PostgresIdentityRepository {
    // MARK: API keys

    public func insertAPIKey(serviceAccount idOrName: String, _ make: @escaping @Sendable (Account) -> APIKey) async throws -> (Account, APIKey) {
        try await store.transaction { connection in
            let owner = try await existing(idOrName, serviceAccount: true, on: connection)
            let key = make(owner)
            let (id, ownerID, name, description, keyHash, active, lastLogin, lastRotated, created, updated) =
                (key.id, key.serviceAccountId, key.name, key.description, key.keyHash, key.active, key.lastLogin, key.lastRotated, key.created, key.updated)
            do {
                _ = try await store.rows("""
                    INSERT INTO api_keys (id, service_account_id, name, description, key_hash, active, last_login, last_rotated, created, updated)
                    VALUES (\(id), \(ownerID), \(name), \(description), \(keyHash), \(active), \(lastLogin), \(lastRotated), \(created), \(updated))
                    """, on: connection)
            } catch where ConstraintViolation(error) == .duplicate(table: "api_keys") {
                throw IdentityError.alreadyExists("An API key named '\(key.name)' already exists for service account '\(owner.name)'.")
            }
            return (owner, key)
        }
    }

    public func apiKeys(serviceAccount idOrName: String) async throws -> (Account, [APIKey]) {
        guard let owner = try await account(idOrName, serviceAccount: true) else { throw IdentityError.noAccount(idOrName, serviceAccount: true) }
        let keys = try await store.rows("SELECT * FROM api_keys WHERE service_account_id = \(owner.id) ORDER BY created, id COLLATE \"C\"")
        return (owner, try keys.map(APIKey.init(postgres:)))
    }

    public func apiKey(serviceAccount idOrName: String, key: String) async throws -> (Account, APIKey) {
        try await store.transaction { connection in try await apiKey(idOrName, key, on: connection) }
    }

    /// The service account and its key (by id or name), locked for this transaction.
    func apiKey(_ owner: String, _ key: String, on connection: PostgresConnection) async throws -> (Account, APIKey) {
        let account = try await existing(owner, serviceAccount: true, on: connection)
        let id = key.lowercased()
        guard let row = try await store.rows("""
            SELECT * FROM api_keys WHERE service_account_id = \(account.id) AND (id = \(id) OR name = \(key)) ORDER BY id = \(id) DESC LIMIT 1 FOR UPDATE
            """, on: connection).first
        else { throw IdentityError.notFound("No API key with name or ID '\(key)' found.") }
        return (account, try APIKey(postgres: row))
    }

    public func updateAPIKey(serviceAccount idOrName: String, key: String, _ change: @escaping @Sendable (inout APIKey) -> Bool) async throws -> (Account, APIKey) {
        try await store.transaction { connection in
            var (account, apiKey) = try await apiKey(idOrName, key, on: connection)
            let revoke = change(&apiKey)
            let (id, name, description, keyHash, active, lastLogin, lastRotated, updated) =
                (apiKey.id, apiKey.name, apiKey.description, apiKey.keyHash, apiKey.active, apiKey.lastLogin, apiKey.lastRotated, apiKey.updated)
            do {
                _ = try await store.rows("""
                    UPDATE api_keys SET name = \(name), description = \(description), key_hash = \(keyHash), active = \(active),
                    last_login = \(lastLogin), last_rotated = \(lastRotated), updated = \(updated) WHERE id = \(id)
                    """, on: connection)
            } catch where ConstraintViolation(error) == .duplicate(table: "api_keys") {
                throw IdentityError.alreadyExists("An API key named '\(apiKey.name)' already exists for service account '\(account.name)'.")
            }
            if revoke { _ = try await store.rows("DELETE FROM access_tokens WHERE api_key_id = \(id)", on: connection) }
            return (account, apiKey)
        }
    }

    public func deleteAPIKey(serviceAccount idOrName: String, key: String) async throws {
        try await store.transaction { connection in
            let (_, apiKey) = try await apiKey(idOrName, key, on: connection)
            _ = try await store.rows("DELETE FROM access_tokens WHERE api_key_id = \(apiKey.id)", on: connection)
            _ = try await store.rows("DELETE FROM api_keys WHERE id = \(apiKey.id)", on: connection)
        }
    }

    public func apiKeyWithOwner(keyID: String) async throws -> (APIKey, Account)? {
        guard let row = try await store.rows("SELECT * FROM api_keys WHERE id = \(keyID)").first else { return nil }
        let key = try APIKey(postgres: row)
        guard let owner = try await store.rows("SELECT * FROM users WHERE id = \(key.serviceAccountId)").first else { return nil }
        return (key, try Account(postgres: owner))
    }

    public func recordAPIKeyLogin(keyID: String, at time: String) async throws {
        _ = try await store.rows("UPDATE api_keys SET last_login = \(time) WHERE id = \(keyID)")
    }

    // MARK: Access tokens

    public func insert(_ token: AccessToken, now: String) async throws {
        try await store.transaction { connection in
            _ = try await store.rows("DELETE FROM access_tokens WHERE expires_at < \(now)", on: connection)
            let (digest, userID, apiKeyID, kind, runID, created, expiresAt, deviceID) =
                (token.digest, token.userID, token.apiKeyID, token.kind, token.pipelineRunID, token.created, token.expiresAt, token.deviceID)
            _ = try await store.rows("""
                INSERT INTO access_tokens (token_hash, user_id, api_key_id, kind, pipeline_run_id, created, expires_at, device_id)
                VALUES (\(digest), \(userID), \(apiKeyID), \(kind), \(runID), \(created), \(expiresAt), \(deviceID))
                """, on: connection)
        }
    }

    public func token(digest: String) async throws -> (AccessToken, Account)? {
        // One round trip: the token and its owner together (the owner's columns after the token's).
        let rows = try await store.rows("""
            SELECT t.token_hash, t.user_id, t.api_key_id, t.kind, t.pipeline_run_id, t.created AS token_created, t.expires_at, t.device_id, u.*
            FROM access_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = \(digest)
            """)
        guard let row = rows.first else { return nil }
        let columns = row.makeRandomAccess()
        let token = AccessToken(digest: digest, userID: try columns["user_id"].decode(String.self), apiKeyID: try columns["api_key_id"].decode(String?.self),
                                kind: try columns["kind"].decode(String.self), pipelineRunID: try columns["pipeline_run_id"].decode(String?.self),
                                created: try columns["token_created"].decode(String.self), expiresAt: try columns["expires_at"].decode(String.self),
                                deviceID: try columns["device_id"].decode(String?.self))
        return (token, try Account(postgres: row))
    }

    public func deleteRunTokens(pipelineRunID: String) async throws {
        _ = try await store.rows("DELETE FROM access_tokens WHERE kind = 'workload' AND pipeline_run_id = \(pipelineRunID)")
    }

    public func deleteToken(digest: String) async throws {
        _ = try await store.rows("DELETE FROM access_tokens WHERE token_hash = \(digest)")
    }
}
