import Foundation
import GRDB
@_spi(SQLiteImplementation) import Storage

/// Users, service accounts, their credentials and the server's activation: the one
/// identity system every API of Enclave authenticates against.
public final class IdentityStore: Sendable {
    let store: StateStore
    /// Hashes and checks passwords.
    public let hasher: PasswordHasher
    /// Lifetime of a login token, in seconds.
    public let sessionLifetime: Int
    /// Lifetime of a workload token (used by running pipeline steps), in seconds.
    public let workloadLifetime: Int
    /// A bcrypt hash of a random string at the configured cost, checked when a login names
    /// no usable account, so a failed login takes as long whether or not the name exists.
    /// Kept in `server_state` and read at start; made anew (on the hashing pool, the
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
    public init(store: StateStore, hasher: PasswordHasher = PasswordHasher(), sessionLifetime: Int = 3600, workloadLifetime: Int = 86400) throws {
        self.store = store
        self.hasher = hasher
        self.sessionLifetime = sessionLifetime
        self.workloadLifetime = workloadLifetime
        let stored = try store.database.write { db -> String? in
            if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM server_state") == 0 {
                try db.execute(
                    sql: "INSERT INTO server_state (id, server_id, name, active, created) VALUES (1, ?, 'enclave', 0, ?)",
                    arguments: [UUID().uuidString.lowercased(), Timestamp.now()]
                )
            }
            return try String.fetchOne(db, sql: "SELECT decoy_hash FROM server_state WHERE id = 1")
        }
        if let stored, PasswordHasher.cost(of: stored) == hasher.cost {
            decoyHash = Task { stored }
        } else {
            let secret = CredentialDigest.randomHex(bytes: 16)
            decoyHash = Task {
                let hash = try await hasher.hash(secret)
                try? await store.database.write { db in
                    try db.execute(sql: "UPDATE server_state SET decoy_hash = ? WHERE id = 1", arguments: [hash])
                }
                return hash
            }
        }
    }

    /// Every identity write: guarded like any write of a request (`WriteGuard`), and followed
    /// by forgetting the resolved tokens, whose accounts or tokens it may have changed.
    func write<T: Sendable>(_ updates: @escaping @Sendable (GRDB.Database) throws -> T) async throws -> T {
        defer {
            resolvedTokens.forgetAll()
            recentAccounts.forgetAll()
        }
        return try await store.database.guardedWrite(updates)
    }

    // MARK: Server activation

    /// The server's id, name and whether it has been activated.
    public func serverState() async throws -> ServerState {
        try await store.database.read { db in
            guard let state = try ServerState.fetchOne(db, sql: "SELECT server_id, name, active FROM server_state WHERE id = 1") else {
                throw IdentityError.damaged("The server's identity row is missing from the database.")
            }
            return state
        }
    }

    /// While the server is inactive, makes a new one-time setup token (replacing any
    /// earlier one) for the operator to activate from another host; nil once active.
    public func issueSetupTokenIfInactive() async throws -> String? {
        let token = CredentialDigest.randomHex(bytes: 16)
        let issued = try await write { db -> Bool in
            try db.execute(sql: "UPDATE server_state SET setup_token_hash = ? WHERE id = 1 AND active = 0",
                           arguments: [CredentialDigest.digest(token)])
            return db.changesCount > 0
        }
        return issued ? token : nil
    }

    /// Creates the first admin and activates the server. Accepted only while inactive,
    /// and only from loopback or with the setup token printed at start.
    public func activate(adminName: String, password: String, serverName: String?, setupToken: String?, fromLoopback: Bool) async throws -> Account {
        try Self.validate(name: adminName)
        if let problem = PasswordHasher.problem(with: password) { throw IdentityError.invalid(problem) }
        let hash = try await hasher.hash(password)
        return try await write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT active, setup_token_hash FROM server_state WHERE id = 1"),
                  !(try row.decode(Bool.self, forColumn: "active"))
            else { throw IdentityError.forbidden("The server is already active.") }
            if !fromLoopback {
                let stored: String? = (try row.decode(forColumn: "setup_token_hash"))
                guard let setupToken, let stored, CredentialDigest.matches(CredentialDigest.digest(setupToken), stored) else {
                    throw IdentityError.forbidden("Activation from another host needs the setup token the server printed at start.")
                }
            }
            var draft = AccountDraft(name: adminName, role: .admin)
            draft.password = password
            let account = try Self.insert(draft, passwordHash: hash, db: db)
            try db.execute(sql: "UPDATE server_state SET active = 1, setup_token_hash = NULL, name = COALESCE(?, name) WHERE id = 1",
                           arguments: [serverName.flatMap { EntityName.problem(with: $0) == nil ? $0 : nil }])
            return account
        }
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
        let passwordHash = hash
        return try await write { db in
            let account = try Self.insert(draft, passwordHash: passwordHash, db: db)
            if activateServer {
                try db.execute(sql: "UPDATE server_state SET active = 1, setup_token_hash = NULL WHERE id = 1")
            }
            return account
        }
    }

    static func insert(_ draft: AccountDraft, passwordHash: String?, db: GRDB.Database) throws -> Account {
        let now = Timestamp.now()
        let account = Account(
            id: UUID().uuidString.lowercased(), name: draft.name, fullName: draft.fullName, email: draft.email,
            passwordHash: passwordHash, role: draft.role, isServiceAccount: draft.isServiceAccount, active: draft.active,
            description: draft.description, avatarUrl: draft.avatarUrl, defaultProjectId: nil,
            emailOptedIn: draft.isServiceAccount ? false : nil, userMetadata: "{}", passwordChangedAt: nil,
            created: now, updated: now
        )
        // A taken name is the UNIQUE constraint's answer, so two writers cannot both take it.
        do {
            try account.insert(db)
        } catch where ConstraintViolation(error) == .duplicate(table: "users") {
            throw IdentityError.alreadyExists("An account named '\(draft.name)' already exists.")
        }
        return account
    }

    /// The account with this id (or, when `idOrName` is not a UUID, this name).
    public func account(_ idOrName: String, serviceAccount: Bool? = nil) async throws -> Account {
        try await store.database.read { db in try Self.account(idOrName, serviceAccount: serviceAccount, db: db) }
    }

    static func account(_ idOrName: String, serviceAccount: Bool?, db: GRDB.Database) throws -> Account {
        var request = Account.filter(Column("id") == idOrName.lowercased() || Column("name") == idOrName)
        if let serviceAccount { request = request.filter(Column("is_service_account") == serviceAccount) }
        guard let account = try request.fetchOne(db) else {
            let kind = serviceAccount == true ? "service account" : "user"
            throw IdentityError.notFound("No \(kind) with name or ID '\(idOrName)' found.")
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
        let rows = try await store.database.read { db in try Account.filter(missing.contains(Column("id"))).fetchAll(db) }
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
        return try await write { db in
            var account = try Self.account(current.id, serviceAccount: nil, db: db)
            if let name = changes.name { account.name = name }
            if let value = changes.fullName { account.fullName = value }
            if let value = changes.email { account.email = value }
            if let value = changes.description { account.description = value }
            if let value = changes.avatarUrl { account.avatarUrl = value }
            if let value = changes.defaultProjectId { account.defaultProjectId = value }
            if let value = changes.emailOptedIn { account.emailOptedIn = value }
            if let value = changes.userMetadata { account.userMetadata = value }
            if let role = changes.role, role != account.role {
                if account.role == .admin { try Self.ensureAnotherAdmin(besides: account.id, db: db) }
                account.role = role
            }
            var revoke = false
            if let active = changes.active, active != account.active {
                if !active, account.role == .admin { try Self.ensureAnotherAdmin(besides: account.id, db: db) }
                account.active = active
                revoke = revoke || !active
            }
            if let replacementHash {
                account.passwordHash = replacementHash
                account.passwordChangedAt = Timestamp.now()
                revoke = true
            }
            account.updated = Timestamp.now()
            do {
                try account.update(db)
            } catch where ConstraintViolation(error) == .duplicate(table: "users") {
                throw IdentityError.alreadyExists("An account named '\(account.name)' already exists.")
            }
            if revoke { try db.execute(sql: "DELETE FROM access_tokens WHERE user_id = ?", arguments: [account.id]) }
            return account
        }
    }

    static func ensureAnotherAdmin(besides id: String, db: GRDB.Database) throws {
        let others = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1 AND id != ?", arguments: [id]) ?? 0
        if others == 0 { throw IdentityError.invalid("The last active admin cannot be demoted, deactivated or deleted.") }
    }

    /// Deletes an account with its keys and tokens; admins only, and never the last admin.
    public func deleteAccount(_ idOrName: String, serviceAccount: Bool?, actor: Principal) async throws {
        guard actor.isAdmin else { throw IdentityError.forbidden("Only an admin can delete accounts.") }
        try await write { db in
            let account = try Self.account(idOrName, serviceAccount: serviceAccount, db: db)
            if account.id == actor.userID {
                throw IdentityError.forbidden("You cannot delete the user account currently used to authenticate to the server. "
                    + "To delete it, authenticate with another account.")
            }
            if account.role == .admin { try Self.ensureAnotherAdmin(besides: account.id, db: db) }
            _ = try account.delete(db)
        }
    }

    static func validate(name: String) throws {
        if let problem = EntityName.problem(with: name) { throw IdentityError.invalid("Name \(problem).") }
    }
}

extension IdentityStore {
    /// People and service accounts by name, `limit` at most (the dashboard's administration page).
    public func accountList(offset: Int = 0, limit: Int) async throws -> [Account] {
        try await store.database.read { db in
            try Account.order(Column("is_service_account"), Column("name"), Column("id")).limit(max(1, min(limit, 10_000)), offset: max(0, offset)).fetchAll(db)
        }
    }
}
