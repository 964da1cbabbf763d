import GRDB
@_spi(SQLiteImplementation) import Storage

extension SQLiteIdentityRepository {
    // MARK: API keys

    public func insertAPIKey(serviceAccount idOrName: String, _ make: @escaping @Sendable (Account) -> APIKey) async throws -> (Account, APIKey) {
        try await write { db in
            let owner = try Self.existing(idOrName, serviceAccount: true, db: db)
            let key = make(owner)
            do {
                try key.insert(db)
            } catch where ConstraintViolation(error) == .duplicate(table: "api_keys") {
                throw IdentityError.alreadyExists("An API key named '\(key.name)' already exists for service account '\(owner.name)'.")
            }
            return (owner, key)
        }
    }

    public func apiKeys(serviceAccount idOrName: String) async throws -> (Account, [APIKey]) {
        try await read { db in
            let owner = try Self.existing(idOrName, serviceAccount: true, db: db)
            return (owner, try APIKey.filter(Column("service_account_id") == owner.id).order(Column("created")).fetchAll(db))
        }
    }

    public func apiKey(serviceAccount idOrName: String, key: String) async throws -> (Account, APIKey) {
        try await read { db in try Self.apiKey(idOrName, key, db: db) }
    }

    static func apiKey(_ owner: String, _ key: String, db: GRDB.Database) throws -> (Account, APIKey) {
        let account = try existing(owner, serviceAccount: true, db: db)
        guard let apiKey = try APIKey.filter(Column("service_account_id") == account.id)
            .filter(Column("id") == key.lowercased() || Column("name") == key).fetchOne(db)
        else { throw IdentityError.notFound("No API key with name or ID '\(key)' found.") }
        return (account, apiKey)
    }

    public func updateAPIKey(serviceAccount idOrName: String, key: String, _ change: @escaping @Sendable (inout APIKey) -> Bool) async throws -> (Account, APIKey) {
        try await write { db in
            var (account, apiKey) = try Self.apiKey(idOrName, key, db: db)
            let revoke = change(&apiKey)
            do {
                try apiKey.update(db)
            } catch where ConstraintViolation(error) == .duplicate(table: "api_keys") {
                throw IdentityError.alreadyExists("An API key named '\(apiKey.name)' already exists for service account '\(account.name)'.")
            }
            if revoke { try db.execute(sql: "DELETE FROM access_tokens WHERE api_key_id = ?", arguments: [apiKey.id]) }
            return (account, apiKey)
        }
    }

    public func deleteAPIKey(serviceAccount idOrName: String, key: String) async throws {
        try await write { db in
            let (_, apiKey) = try Self.apiKey(idOrName, key, db: db)
            try db.execute(sql: "DELETE FROM access_tokens WHERE api_key_id = ?", arguments: [apiKey.id])
            _ = try apiKey.delete(db)
        }
    }

    public func apiKeyWithOwner(keyID: String) async throws -> (APIKey, Account)? {
        try await read { db in
            guard let key = try APIKey.fetchOne(db, key: keyID),
                  let owner = try Account.fetchOne(db, key: key.serviceAccountId) else { return nil }
            return (key, owner)
        }
    }

    public func recordAPIKeyLogin(keyID: String, at time: String) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE api_keys SET last_login = ? WHERE id = ?", arguments: [time, keyID])
        }
    }

    // MARK: Access tokens

    public func insert(_ token: AccessToken, now: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM access_tokens WHERE expires_at < ?", arguments: [now])
            try db.execute(sql: """
                INSERT INTO access_tokens (token_hash, user_id, api_key_id, kind, pipeline_run_id, created, expires_at, device_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [token.digest, token.userID, token.apiKeyID, token.kind, token.pipelineRunID,
                                 token.created, token.expiresAt, token.deviceID])
        }
    }

    public func token(digest: String) async throws -> (AccessToken, Account)? {
        try await read { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM access_tokens WHERE token_hash = ?"), arguments: [digest]) else {
                return nil
            }
            let token = AccessToken(digest: digest, userID: try row.decode(forColumn: "user_id"), apiKeyID: try row.decode(forColumn: "api_key_id"),
                                    kind: try row.decode(forColumn: "kind"), pipelineRunID: try row.decode(forColumn: "pipeline_run_id"),
                                    created: try row.decode(forColumn: "created"), expiresAt: try row.decode(forColumn: "expires_at"),
                                    deviceID: try row.decode(forColumn: "device_id"))
            guard let owner = try Account.fetchOne(db, key: token.userID) else { return nil }
            return (token, owner)
        }
    }

    public func deleteRunTokens(pipelineRunID: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM access_tokens WHERE kind = 'workload' AND pipeline_run_id = ?", arguments: [pipelineRunID])
        }
    }

    public func deleteToken(digest: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM access_tokens WHERE token_hash = ?", arguments: [digest])
        }
    }
}
