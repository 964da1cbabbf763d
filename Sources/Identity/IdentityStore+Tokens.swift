import Foundation
import Storage

extension IdentityStore {
    /// The `password` grant: a person's name and password, exchanged for a bearer token.
    public func login(username: String, password: String) async throws -> IssuedToken {
        let failure = IdentityError.credentialsNotValid("Authentication error: invalid username or password")
        let account = try await repository.account(named: username)
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
        guard let (apiKey, owner) = try await repository.apiKeyWithOwner(keyID: credential.keyID),
              CredentialDigest.matches(CredentialDigest.digest(credential.secret), apiKey.keyHash), apiKey.active, owner.active
        else { throw failure }
        try await changing { try await repository.recordAPIKeyLogin(keyID: credential.keyID, at: Timestamp.now()) }
        let userID = owner.id
        return try await issueToken(userID: userID, apiKeyID: credential.keyID, kind: "session", pipelineRunID: nil, lifetime: sessionLifetime)
    }

    /// A token for the steps of one pipeline run, issued to the caller (ZenML's workload token).
    public func issueWorkloadToken(for principal: Principal, pipelineRunID: String?) async throws -> IssuedToken {
        try await issueToken(userID: principal.userID, apiKeyID: principal.apiKeyID, kind: "workload", pipelineRunID: pipelineRunID, lifetime: workloadLifetime)
    }

    /// A token that acts as account `userID` for one triggered pipeline run: what an agent's
    /// runner process uses, so the agent's own key never reaches the run.
    public func issueRunToken(userID: String, pipelineRunID: String, lifetime: Int) async throws -> IssuedToken {
        try await issueToken(userID: userID, apiKeyID: nil, kind: "workload", pipelineRunID: pipelineRunID, lifetime: lifetime)
    }

    func issueToken(userID: String, apiKeyID: String?, kind: String, pipelineRunID: String?, lifetime: Int, deviceID: String? = nil) async throws -> IssuedToken {
        let token = CredentialDigest.newBearerToken()
        let now = Date()
        let stored = AccessToken(digest: CredentialDigest.digest(token), userID: userID, apiKeyID: apiKeyID, kind: kind,
                                 pipelineRunID: pipelineRunID, created: Timestamp.format(now),
                                 expiresAt: Timestamp.format(now.addingTimeInterval(TimeInterval(lifetime))), deviceID: deviceID)
        try await changing { try await repository.insert(stored, now: Timestamp.format(now)) }
        return IssuedToken(token: token, expiresIn: lifetime)
    }

    /// The caller a bearer token stands for, or nil when it is unknown, expired, revoked
    /// or its account is inactive.
    public func principal(forBearer token: String) async throws -> Principal? {
        guard !token.isEmpty, token.utf8.count <= 512 else { return nil }
        let digest = CredentialDigest.digest(token)
        if let known = resolvedTokens.value(digest) { return known }
        let now = Timestamp.now()
        guard let (stored, owner) = try await repository.token(digest: digest), stored.expiresAt > now, owner.active else { return nil }
        let principal = Principal(userID: owner.id, name: owner.name, role: owner.role, isServiceAccount: owner.isServiceAccount,
                                  apiKeyID: stored.apiKeyID, tokenHash: digest)
        let expiresAt = stored.expiresAt
        // A token that expires within the remembered lifetime (and a margin) is read again.
        if expiresAt > Timestamp.format(Date().addingTimeInterval(3)) { resolvedTokens.remember([digest: principal]) }
        return principal
    }

    /// Revokes one token (logout).
    public func revoke(tokenHash: String) async throws {
        try await changing { try await repository.deleteToken(digest: tokenHash) }
    }

    /// Revokes the tokens of pipeline run `pipelineRunID` (it ended): a run's token acts only while it runs.
    public func revokeRunTokens(pipelineRunID: String) async throws {
        try await changing { try await repository.deleteRunTokens(pipelineRunID: pipelineRunID) }
    }
}
