import Foundation
import Storage

/// Users, service accounts, their credentials and the server's activation: the one
/// identity system every API of Enclave authenticates against. The rules live here; the
/// records are kept by an `IdentityRepository`.
public final class IdentityStore: Sendable {
    let repository: any IdentityRepository
    /// Hashes and checks passwords.
    public let hasher: PasswordHasher
    /// Lifetime of a login token, in seconds.
    public let sessionLifetime: Int
    /// Lifetime of a workload token (used by running pipeline steps), in seconds.
    public let workloadLifetime: Int
    /// A bcrypt hash of a random string at the configured cost, checked when a login names
    /// no usable account, so a failed login takes as long whether or not the name exists.
    /// Kept with the server's state and read at start; made anew (on the hashing pool, the
    /// server listening meanwhile) only on a fresh database or when the cost changed, so
    /// no request pays for it or reveals that it is the first.
    let decoyHash: Task<String, any Error>
    /// Passwords checked recently, so an API that sends them with every request (MLflow's
    /// basic auth) pays for bcrypt once, not per call.
    let verifiedPasswords = VerifiedPasswords()
    /// Bearer tokens resolved in the last two seconds (forgotten on every identity write).
    let resolvedTokens = RecentlyRead<String, Principal>()
    /// Accounts read for rendering in the last two seconds (forgotten on every identity write).
    let recentAccounts = RecentlyRead<String, Account>()

    /// Opens the identity tables of `store`, creating the server's identity on first use.
    public convenience init(store: StateStore, hasher: PasswordHasher = PasswordHasher(), sessionLifetime: Int = 3600,
                            workloadLifetime: Int = 86400) throws {
        let repository = SQLiteIdentityRepository(store: store)
        let stored = try repository.prepareServerStateNow(serverID: UUID().uuidString.lowercased(), at: Timestamp.now())
        self.init(repository: repository, storedDecoyHash: stored, hasher: hasher, sessionLifetime: sessionLifetime,
                  workloadLifetime: workloadLifetime)
    }

    /// Identity over `repository` (a shared database's), creating the server's identity on first use.
    public static func open(repository: any IdentityRepository, hasher: PasswordHasher = PasswordHasher(), sessionLifetime: Int = 3600,
                            workloadLifetime: Int = 86400) async throws -> IdentityStore {
        let stored = try await repository.prepareServerState(serverID: UUID().uuidString.lowercased(), at: Timestamp.now())
        return IdentityStore(repository: repository, storedDecoyHash: stored, hasher: hasher, sessionLifetime: sessionLifetime,
                             workloadLifetime: workloadLifetime)
    }

    /// Identity over `repository` whose server row is prepared, keeping `storedDecoyHash` when
    /// it was made at this hasher's cost.
    init(repository: any IdentityRepository, storedDecoyHash stored: String?, hasher: PasswordHasher, sessionLifetime: Int, workloadLifetime: Int) {
        self.repository = repository
        self.hasher = hasher
        self.sessionLifetime = sessionLifetime
        self.workloadLifetime = workloadLifetime
        if let stored, PasswordHasher.cost(of: stored) == hasher.cost {
            decoyHash = Task { stored }
        } else {
            let secret = CredentialDigest.randomHex(bytes: 16)
            decoyHash = Task {
                let hash = try await hasher.hash(secret)
                try? await repository.storeDecoyHash(hash)
                return hash
            }
        }
    }

    /// Every identity write goes through here: the tokens and accounts remembered for a
    /// moment are forgotten after it, as it may have changed them.
    func changing<T: Sendable>(_ write: () async throws -> T) async throws -> T {
        defer {
            resolvedTokens.forgetAll()
            recentAccounts.forgetAll()
        }
        return try await write()
    }

    // MARK: Server activation

    /// The server's id, name and whether it has been activated.
    public func serverState() async throws -> ServerState {
        try await repository.serverState()
    }

    /// While the server is inactive, makes a new one-time setup token (replacing any
    /// earlier one) for the operator to activate from another host; nil once active.
    public func issueSetupTokenIfInactive() async throws -> String? {
        let token = CredentialDigest.randomHex(bytes: 16)
        let issued = try await changing { try await repository.storeSetupTokenDigest(CredentialDigest.digest(token)) }
        return issued ? token : nil
    }

    /// Creates the first admin and activates the server. Accepted only while inactive,
    /// and only from loopback or with the setup token printed at start.
    public func activate(adminName: String, password: String, serverName: String?, setupToken: String?, fromLoopback: Bool) async throws -> Account {
        try Self.validate(name: adminName)
        if let problem = PasswordHasher.problem(with: password) { throw IdentityError.invalid(problem) }
        let hash = try await hasher.hash(password)
        let admin = Self.newAccount(AccountDraft(name: adminName, role: .admin), passwordHash: hash)
        try await changing {
            try await repository.activate(admin: admin, serverName: serverName.flatMap { EntityName.problem(with: $0) == nil ? $0 : nil }) { stored in
                guard !fromLoopback else { return }
                guard let setupToken, let stored, CredentialDigest.matches(CredentialDigest.digest(setupToken), stored) else {
                    throw IdentityError.forbidden("Activation from another host needs the setup token the server printed at start.")
                }
            }
        }
        return admin
    }

    // MARK: Accounts

    /// Creates a person or service account. `activateServer` also marks the server
    /// active (for `enclave admin create` on a fresh install).
    public func createAccount(_ draft: AccountDraft, activateServer: Bool = false) async throws -> Account {
        try Self.validate(name: draft.name)
        var hash: String?
        if let password = draft.password {
            if let problem = PasswordHasher.problem(with: password) { throw IdentityError.invalid(problem) }
            hash = try await hasher.hash(password)
        }
        let account = Self.newAccount(draft, passwordHash: hash)
        try await changing { try await repository.insert(account, activatingServer: activateServer) }
        return account
    }

    /// The account `draft` describes, new, with `passwordHash`.
    static func newAccount(_ draft: AccountDraft, passwordHash: String?) -> Account {
        let now = Timestamp.now()
        return Account(
            id: UUID().uuidString.lowercased(), name: draft.name, fullName: draft.fullName, email: draft.email,
            passwordHash: passwordHash, role: draft.role, isServiceAccount: draft.isServiceAccount, active: draft.active,
            description: draft.description, avatarUrl: draft.avatarUrl, defaultProjectId: nil,
            emailOptedIn: draft.isServiceAccount ? false : nil, userMetadata: "{}", passwordChangedAt: nil,
            created: now, updated: now
        )
    }

    /// The account with this id (or, when `idOrName` is not a UUID, this name).
    public func account(_ idOrName: String, serviceAccount: Bool? = nil) async throws -> Account {
        guard let account = try await repository.account(idOrName, serviceAccount: serviceAccount) else {
            throw IdentityError.noAccount(idOrName, serviceAccount: serviceAccount)
        }
        return account
    }

    /// The accounts with these ids, keyed by id (missing ids are left out), for rendering who
    /// owns what: an account read in the last two seconds is not read again.
    public func accounts(ids: Set<String>) async throws -> [String: Account] {
        let cached = recentAccounts.values(ids)
        var found = cached.found
        let missing = cached.missing
        guard !missing.isEmpty else { return found }
        let rows = try await repository.accounts(ids: missing)
        recentAccounts.remember(Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }))
        for account in rows { found[account.id] = account }
        return found
    }

    /// Applies `changes` to the account `id` on behalf of `actor`. Only admins edit
    /// others or change roles; changing one's own password needs the old one; a new
    /// password or deactivation revokes every token of the account.
    public func updateAccount(_ idOrName: String, changes: AccountChanges, actor: Principal) async throws -> Account {
        let current = try await account(idOrName)
        let editingSelf = current.id == actor.userID
        guard editingSelf || actor.isAdmin else {
            throw IdentityError.forbidden("Only an admin can change another account.")
        }
        if let role = changes.role, role != current.role {
            if editingSelf { throw IdentityError.forbidden("Cannot change the admin status of your own user account.") }
            if !actor.isAdmin { throw IdentityError.forbidden("Only an admin can change roles.") }
        }
        if let active = changes.active, active != current.active, editingSelf {
            throw IdentityError.forbidden("Cannot change the active status of your own user account.")
        }
        if let name = changes.name { try Self.validate(name: name) }
        var newHash: String?
        if let password = changes.password {
            if current.isServiceAccount { throw IdentityError.invalid("Service accounts log in with API keys, not passwords.") }
            if let problem = PasswordHasher.problem(with: password) { throw IdentityError.invalid(problem) }
            if editingSelf || !actor.isAdmin {
                guard let old = changes.oldPassword, let stored = current.passwordHash,
                      try await hasher.verify(old, hash: stored)
                else { throw IdentityError.forbidden("The old password is missing or wrong.") }
            }
            newHash = try await hasher.hash(password)
        }
        let replacementHash = newHash
        return try await changing { try await repository.updateAccount(id: current.id) { account, otherActiveAdmins in
            if let name = changes.name { account.name = name }
            if let value = changes.fullName { account.fullName = value }
            if let value = changes.email { account.email = value }
            if let value = changes.description { account.description = value }
            if let value = changes.avatarUrl { account.avatarUrl = value }
            if let value = changes.defaultProjectId { account.defaultProjectId = value }
            if let value = changes.emailOptedIn { account.emailOptedIn = value }
            if let value = changes.userMetadata { account.userMetadata = value }
            if let role = changes.role, role != account.role {
                if account.role == .admin { try Self.ensureAnotherAdmin(otherActiveAdmins) }
                account.role = role
            }
            var revoke = false
            if let active = changes.active, active != account.active {
                if !active, account.role == .admin { try Self.ensureAnotherAdmin(otherActiveAdmins) }
                account.active = active
                revoke = revoke || !active
            }
            if let replacementHash {
                account.passwordHash = replacementHash
                account.passwordChangedAt = Timestamp.now()
                revoke = true
            }
            account.updated = Timestamp.now()
            return revoke
        } }
    }

    /// Refuses to leave the server without an active admin.
    static func ensureAnotherAdmin(_ otherActiveAdmins: Int) throws {
        if otherActiveAdmins == 0 { throw IdentityError.invalid("The last active admin cannot be demoted, deactivated or deleted.") }
    }

    /// Deletes an account with its keys and tokens; admins only, and never the last admin.
    public func deleteAccount(_ idOrName: String, serviceAccount: Bool?, actor: Principal) async throws {
        guard actor.isAdmin else { throw IdentityError.forbidden("Only an admin can delete accounts.") }
        let actorID = actor.userID
        try await changing { try await repository.deleteAccount(idOrName, serviceAccount: serviceAccount) { account, otherActiveAdmins in
            if account.id == actorID {
                throw IdentityError.forbidden("You cannot delete the user account currently used to authenticate to the server. "
                    + "To delete it, authenticate with another account.")
            }
            if account.role == .admin { try Self.ensureAnotherAdmin(otherActiveAdmins) }
        } }
    }

    static func validate(name: String) throws {
        if let problem = EntityName.problem(with: name) { throw IdentityError.invalid("Name \(problem).") }
    }
}

extension IdentityStore {
    /// People and service accounts by name, `limit` at most (the dashboard's administration page).
    public func accountList(offset: Int = 0, limit: Int) async throws -> [Account] {
        try await repository.accountList(offset: offset, limit: limit)
    }
}
