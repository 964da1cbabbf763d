import Foundation
import GRDB
@_spi(SQLiteImplementation) import Storage

/// `IdentityRepository` on the state file's identity tables. Names are unique by constraint
/// (`users.name`, `api_keys (service_account_id, name)`, `devices.client_id`), so two
/// writers cannot both take one; every write is a `guardedWrite`.
public struct SQLiteIdentityRepository: IdentityRepository {
    let store: StateStore

    /// The identity tables of `store`, whose migrations must include `IdentityMigrations.set`.
    public init(store: StateStore) { self.store = store }

    func write<T: Sendable>(_ updates: @escaping @Sendable (GRDB.Database) throws -> T) async throws -> T {
        try await store.database.guardedWrite(updates)
    }

    func read<T: Sendable>(_ value: @escaping @Sendable (GRDB.Database) throws -> T) async throws -> T {
        try await store.database.read(value)
    }

    // MARK: Server

    public func prepareServerState(serverID: String, at time: String) async throws -> String? {
        try prepareServerStateNow(serverID: serverID, at: time)
    }

    /// `prepareServerState` without waiting (a local file: the store is built before the server starts).
    func prepareServerStateNow(serverID: String, at time: String) throws -> String? {
        try store.database.write { db in
            try db.execute(sql: "INSERT INTO server_state (id, server_id, name, active, created) VALUES (1, ?, 'enclave', 0, ?) ON CONFLICT (id) DO NOTHING",
                           arguments: [serverID, time])
            return try String.fetchOne(db, sql: "SELECT decoy_hash FROM server_state WHERE id = 1")
        }
    }

    public func storeDecoyHash(_ hash: String) async throws {
        try await store.database.write { db in
            try db.execute(sql: "UPDATE server_state SET decoy_hash = ? WHERE id = 1", arguments: [hash])
        }
    }

    public func serverState() async throws -> ServerState {
        try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT server_id, name, active FROM server_state WHERE id = 1") else {
                throw IdentityError.damaged("The server's identity row is missing from the database.")
            }
            return ServerState(serverID: try row.decode(forColumn: "server_id"), name: try row.decode(forColumn: "name"),
                               active: try row.decode(forColumn: "active"))
        }
    }

    public func storeSetupTokenDigest(_ digest: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "UPDATE server_state SET setup_token_hash = ? WHERE id = 1 AND active = 0", arguments: [digest])
            return db.changesCount > 0
        }
    }

    public func activate(admin: Account, serverName: String?, authorize: @escaping @Sendable (_ setupTokenDigest: String?) throws -> Void) async throws {
        try await write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT active, setup_token_hash FROM server_state WHERE id = 1"),
                  !(try row.decode(Bool.self, forColumn: "active"))
            else { throw IdentityError.forbidden("The server is already active.") }
            try authorize(try row.decode(forColumn: "setup_token_hash"))
            try Self.insert(admin, db: db)
            try db.execute(sql: "UPDATE server_state SET active = 1, setup_token_hash = NULL, name = COALESCE(?, name) WHERE id = 1",
                           arguments: [serverName])
        }
    }

    // MARK: Accounts

    public func insert(_ account: Account, activatingServer: Bool) async throws {
        try await write { db in
            try Self.insert(account, db: db)
            if activatingServer {
                try db.execute(sql: "UPDATE server_state SET active = 1, setup_token_hash = NULL WHERE id = 1")
            }
        }
    }

    /// Inserts `account`; a taken name is the UNIQUE constraint's answer.
    static func insert(_ account: Account, db: GRDB.Database) throws {
        do {
            try account.insert(db)
        } catch where ConstraintViolation(error) == .duplicate(table: "users") {
            throw IdentityError.alreadyExists("An account named '\(account.name)' already exists.")
        }
    }

    public func account(_ idOrName: String, serviceAccount: Bool?) async throws -> Account? {
        try await read { db in try Self.account(idOrName, serviceAccount: serviceAccount, db: db) }
    }

    public func account(named name: String) async throws -> Account? {
        try await read { db in try Account.filter(Column("name") == name).fetchOne(db) }
    }

    static func account(_ idOrName: String, serviceAccount: Bool?, db: GRDB.Database) throws -> Account? {
        var request = Account.filter(Column("id") == idOrName.lowercased() || Column("name") == idOrName)
        if let serviceAccount { request = request.filter(Column("is_service_account") == serviceAccount) }
        return try request.fetchOne(db)
    }

    /// The account, or `notFound` naming what was asked for.
    static func existing(_ idOrName: String, serviceAccount: Bool?, db: GRDB.Database) throws -> Account {
        guard let account = try account(idOrName, serviceAccount: serviceAccount, db: db) else {
            throw IdentityError.noAccount(idOrName, serviceAccount: serviceAccount)
        }
        return account
    }

    public func accounts(ids: Set<String>) async throws -> [Account] {
        try await read { db in try Account.filter(ids.contains(Column("id"))).fetchAll(db) }
    }

    /// How many active admins there are besides `id`.
    static func otherActiveAdmins(besides id: String, db: GRDB.Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1 AND id != ?", arguments: [id]) ?? 0
    }

    public func updateAccount(id: String, _ change: @escaping @Sendable (inout Account, _ otherActiveAdmins: Int) throws -> Bool) async throws -> Account {
        try await write { db in
            var account = try Self.existing(id, serviceAccount: nil, db: db)
            let revoke = try change(&account, try Self.otherActiveAdmins(besides: account.id, db: db))
            do {
                try account.update(db)
            } catch where ConstraintViolation(error) == .duplicate(table: "users") {
                throw IdentityError.alreadyExists("An account named '\(account.name)' already exists.")
            }
            if revoke { try db.execute(sql: "DELETE FROM access_tokens WHERE user_id = ?", arguments: [account.id]) }
            return account
        }
    }

    public func deleteAccount(_ idOrName: String, serviceAccount: Bool?, check: @escaping @Sendable (Account, _ otherActiveAdmins: Int) throws -> Void) async throws {
        try await write { db in
            let account = try Self.existing(idOrName, serviceAccount: serviceAccount, db: db)
            try check(account, try Self.otherActiveAdmins(besides: account.id, db: db))
            _ = try account.delete(db)
        }
    }

    /// The fields an account list filters and sorts on, as ZenML names them, and their columns.
    static let listedFields: [String: String] = [
        "id": "id", "name": "name", "full_name": "full_name", "email": "email", "active": "active",
        "description": "description", "created": "created", "updated": "updated",
    ]

    public func accountPage(_ request: RecordPageRequest, serviceAccounts: Bool) async throws -> (accounts: [Account], total: Int) {
        try await read { db in
            let (rows, total) = try SQLiteFieldFilter.page(db, table: "users", scope: "is_service_account = ?",
                                                           scopeArguments: [serviceAccounts.storedValue], request: request, columns: Self.listedFields)
            return (try rows.map(Account.init(row:)), total)
        }
    }

    public func accountIDs(nameOrID: String) async throws -> [String] {
        try await read { db in
            try String.fetchAll(db, sql: "SELECT id FROM users WHERE id = ? OR name = ?", arguments: [nameOrID.lowercased(), nameOrID])
        }
    }

    public func accountList(offset: Int, limit: Int) async throws -> [Account] {
        try await read { db in
            try Account.order(Column("is_service_account"), Column("name"), Column("id"))
                .limit(max(1, min(limit, 10_000)), offset: max(0, offset)).fetchAll(db)
        }
    }
}

extension Account: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "users"
}

extension APIKey: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "api_keys"
}
