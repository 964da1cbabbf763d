import Foundation
import GRDB
@_spi(SQLiteImplementation) import Storage

extension IdentityStore {
    /// The `password` grant: a person's name and password, exchanged for a bearer token.
    public func login(username: String, password: String) async throws -> IssuedToken {
        let failure = IdentityError.credentialsNotValid("Authentication error: invalid username or password")
        let account = try await store.database.read { db in
            try Account.filter(Column("name") == username).fetchOne(db)
        }
        guard let account, account.active, !account.isServiceAccount, let hash = account.passwordHash else {
            if let decoy = try? await decoyHash.value {
                _ = try? await hasher.verify(password, hash: decoy)
            } else {
                _ = try? await hasher.hash(password)  // same work, should the decoy be missing
            }
            throw failure
        }
        guard try await hasher.verify(password, hash: hash) else { throw failure }
        return try await issueToken(userID: account.id, apiKeyID: nil, kind: "session", pipelineRunID: nil, lifetime: sessionLifetime)
    }

    /// The `zenml-api-key` grant: a service account's API key, exchanged for a bearer token.
    public func login(apiKey encoded: String) async throws -> IssuedToken {
        let failure = IdentityError.credentialsNotValid("Authentication error: invalid API key")
        guard let credential = APIKeyCredential(encoded: encoded) else { throw failure }
        let now = Timestamp.now()
        let userID = try await write { db -> String in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT k.key_hash, k.active AS key_active, u.id AS user_id, u.active AS user_active
                FROM api_keys k JOIN users u ON u.id = k.service_account_id WHERE k.id = ?
                """, arguments: [credential.keyID]),
                CredentialDigest.matches(CredentialDigest.digest(credential.secret), (try row.decode(forColumn: "key_hash"))),
                (try row.decode(Bool.self, forColumn: "key_active")), (try row.decode(Bool.self, forColumn: "user_active"))
            else { throw failure }
            try db.execute(sql: "UPDATE api_keys SET last_login = ? WHERE id = ?", arguments: [now, credential.keyID])
            return (try row.decode(forColumn: "user_id"))
        }
        return try await issueToken(userID: userID, apiKeyID: credential.keyID, kind: "session", pipelineRunID: nil, lifetime: sessionLifetime)
    }

    /// A token for the steps of one pipeline run, issued to the caller (ZenML's workload token).
    public func issueWorkloadToken(for principal: Principal, pipelineRunID: String?) async throws -> IssuedToken {
        try await issueToken(userID: principal.userID, apiKeyID: principal.apiKeyID, kind: "workload", pipelineRunID: pipelineRunID, lifetime: workloadLifetime)
    }

    func issueToken(userID: String, apiKeyID: String?, kind: String, pipelineRunID: String?, lifetime: Int, deviceID: String? = nil) async throws -> IssuedToken {
        let token = CredentialDigest.newBearerToken()
        let now = Date()
        try await write { db in
            try db.execute(sql: "DELETE FROM access_tokens WHERE expires_at < ?", arguments: [Timestamp.format(now)])
            try db.execute(sql: """
                INSERT INTO access_tokens (token_hash, user_id, api_key_id, kind, pipeline_run_id, created, expires_at, device_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [CredentialDigest.digest(token), userID, apiKeyID, kind, pipelineRunID,
                                 Timestamp.format(now), Timestamp.format(now.addingTimeInterval(TimeInterval(lifetime))), deviceID])
        }
        return IssuedToken(token: token, expiresIn: lifetime)
    }

    /// The caller a bearer token stands for, or nil when it is unknown, expired, revoked
    /// or its account is inactive.
    public func principal(forBearer token: String) async throws -> Principal? {
        guard !token.isEmpty, token.utf8.count <= 512 else { return nil }
        let digest = CredentialDigest.digest(token)
        if let known = resolvedTokens.value(digest) { return known }
        let now = Timestamp.now()
        let found = try await store.database.read { db -> (Principal, String)? in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT t.user_id, t.api_key_id, t.expires_at, u.name, u.role, u.is_service_account, u.active
                FROM access_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?
                """, arguments: [digest]),
                (try row.decode(String.self, forColumn: "expires_at")) > now, (try row.decode(Bool.self, forColumn: "active")),
                let role = Role(rawValue: (try row.decode(forColumn: "role")))
            else { return nil }
            let principal = Principal(userID: (try row.decode(forColumn: "user_id")), name: (try row.decode(forColumn: "name")), role: role,
                                      isServiceAccount: (try row.decode(forColumn: "is_service_account")),
                                      apiKeyID: (try row.decode(forColumn: "api_key_id")), tokenHash: digest)
            return (principal, try row.decode(String.self, forColumn: "expires_at"))
        }
        guard let (principal, expiresAt) = found else { return nil }
        // A token that expires within the remembered lifetime (and a margin) is read again.
        if expiresAt > Timestamp.format(Date().addingTimeInterval(3)) { resolvedTokens.remember([digest: principal]) }
        return principal
    }

    /// Revokes one token (logout).
    public func revoke(tokenHash: String) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM access_tokens WHERE token_hash = ?", arguments: [tokenHash])
        }
    }
}
