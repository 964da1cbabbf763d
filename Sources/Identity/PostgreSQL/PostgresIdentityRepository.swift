import Foundation
import PostgresNIO
import Storage

/// `IdentityRepository` on PostgreSQL, shared by every replica. Names are unique by the same
/// constraints as on SQLite; the writes whose rule reads other rows (activation, the
/// last-admin rule) hold one advisory lock, so replicas decide them one at a time as SQLite's
/// single writer does: several replicas activated at once make exactly one first admin.
public struct PostgresIdentityRepository: IdentityRepository {
    let store: PostgresStore

    /// The identity tables of `store`, whose migrations must include `IdentityMigrations.postgres`.
    public init(store: PostgresStore) { self.store = store }

    /// The advisory lock rule-bearing identity writes hold ("identity").
    static let ruleLock: Int64 = 0x6964_656E_7469_7479

    /// `body` in one transaction holding `ruleLock`.
    func ruled<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await store.transaction { connection in
            _ = try await store.rows("SELECT pg_advisory_xact_lock(\(Self.ruleLock))", on: connection)
            return try await body(connection)
        }
    }

    // MARK: Server

    public func prepareServerState(serverID: String, at time: String) async throws -> String? {
        _ = try await store.rows("""
            INSERT INTO server_state (id, server_id, name, active, created) VALUES (1, \(serverID), 'enclave', FALSE, \(time))
            ON CONFLICT (id) DO NOTHING
            """)
        return try await store.rows("SELECT decoy_hash FROM server_state WHERE id = 1").first?.decode(String?.self) ?? nil
    }

    public func storeDecoyHash(_ hash: String) async throws {
        _ = try await store.rows("UPDATE server_state SET decoy_hash = \(hash) WHERE id = 1")
    }

    public func serverState() async throws -> ServerState {
        guard let row = try await store.rows("SELECT server_id, name, active FROM server_state WHERE id = 1").first else {
            throw IdentityError.damaged("The server's identity row is missing from the database.")
        }
        let (serverID, name, active) = try row.decode((String, String, Bool).self)
        return ServerState(serverID: serverID, name: name, active: active)
    }

    public func storeSetupTokenDigest(_ digest: String) async throws -> Bool {
        try await !store.rows("UPDATE server_state SET setup_token_hash = \(digest) WHERE id = 1 AND NOT active RETURNING id").isEmpty
    }

    public func activate(admin: Account, serverName: String?, authorize: @escaping @Sendable (_ setupTokenDigest: String?) throws -> Void) async throws {
        try await ruled { connection in
            guard let row = try await store.rows("SELECT active, setup_token_hash FROM server_state WHERE id = 1 FOR UPDATE", on: connection).first,
                  case let (active, digest) = try row.decode((Bool, String?).self), !active
            else { throw IdentityError.forbidden("The server is already active.") }
            try authorize(digest)
            try await insert(admin, on: connection)
            _ = try await store.rows("""
                UPDATE server_state SET active = TRUE, setup_token_hash = NULL, name = COALESCE(\(serverName), name) WHERE id = 1
                """, on: connection)
        }
    }

    // MARK: Accounts

    public func insert(_ account: Account, activatingServer: Bool) async throws {
        try await store.transaction { connection in
            try await insert(account, on: connection)
            if activatingServer {
                _ = try await store.rows("UPDATE server_state SET active = TRUE, setup_token_hash = NULL WHERE id = 1", on: connection)
            }
        }
    }

    /// Inserts `account`; a taken name is the UNIQUE constraint's answer.
    func insert(_ account: Account, on connection: PostgresConnection) async throws {
        do {
            _ = try await store.rows(account.postgresInsert, on: connection)
        } catch where ConstraintViolation(error) == .duplicate(table: "users") {
            throw IdentityError.alreadyExists("An account named '\(account.name)' already exists.")
        }
    }

    public func account(_ idOrName: String, serviceAccount: Bool?) async throws -> Account? {
        try await store.rows(Self.accountQuery(idOrName, serviceAccount: serviceAccount)).first.map(Account.init(postgres:))
    }

    /// The account with this id or name (the id's match first), optionally of one kind.
    static func accountQuery(_ idOrName: String, serviceAccount: Bool?, forUpdate: Bool = false) -> PostgresQuery {
        let id = idOrName.lowercased()
        let lock = forUpdate ? " FOR UPDATE" : ""
        if let serviceAccount {
            return "SELECT * FROM users WHERE (id = \(id) OR name = \(idOrName)) AND is_service_account = \(serviceAccount) ORDER BY id = \(id) DESC LIMIT 1\(unescaped: lock)"
        }
        return "SELECT * FROM users WHERE id = \(id) OR name = \(idOrName) ORDER BY id = \(id) DESC LIMIT 1\(unescaped: lock)"
    }

    /// The account, or `notFound` naming what was asked for.
    func existing(_ idOrName: String, serviceAccount: Bool?, on connection: PostgresConnection) async throws -> Account {
        guard let row = try await store.rows(Self.accountQuery(idOrName, serviceAccount: serviceAccount, forUpdate: true), on: connection).first else {
            throw IdentityError.noAccount(idOrName, serviceAccount: serviceAccount)
        }
        return try Account(postgres: row)
    }

    public func account(named name: String) async throws -> Account? {
        try await store.rows("SELECT * FROM users WHERE name = \(name)").first.map(Account.init(postgres:))
    }

    public func accounts(ids: Set<String>) async throws -> [Account] {
        guard !ids.isEmpty else { return [] }
        let list = Array(ids)
        return try await store.rows("SELECT * FROM users WHERE id = ANY(\(list))").map(Account.init(postgres:))
    }

    /// How many active admins there are besides `id`.
    func otherActiveAdmins(besides id: String, on connection: PostgresConnection) async throws -> Int {
        try await store.rows("SELECT COUNT(*) FROM users WHERE role = 'admin' AND active AND id <> \(id)", on: connection).first?.decode(Int.self) ?? 0
    }

    public func updateAccount(id: String, _ change: @escaping @Sendable (inout Account, _ otherActiveAdmins: Int) throws -> Bool) async throws -> Account {
        try await ruled { connection in
            var account = try await existing(id, serviceAccount: nil, on: connection)
            let revoke = try change(&account, try await otherActiveAdmins(besides: account.id, on: connection))
            do {
                _ = try await store.rows(account.postgresUpdate, on: connection)
            } catch where ConstraintViolation(error) == .duplicate(table: "users") {
                throw IdentityError.alreadyExists("An account named '\(account.name)' already exists.")
            }
            if revoke { _ = try await store.rows("DELETE FROM access_tokens WHERE user_id = \(account.id)", on: connection) }
            return account
        }
    }

    public func deleteAccount(_ idOrName: String, serviceAccount: Bool?, check: @escaping @Sendable (Account, _ otherActiveAdmins: Int) throws -> Void) async throws {
        try await ruled { connection in
            let account = try await existing(idOrName, serviceAccount: serviceAccount, on: connection)
            try check(account, try await otherActiveAdmins(besides: account.id, on: connection))
            _ = try await store.rows("DELETE FROM users WHERE id = \(account.id)", on: connection)
        }
    }

    /// `SQLiteIdentityRepository.listedFields` with the types PostgreSQL binds them as.
    static let listedFields: [String: ListedColumn] = [
        "id": .init("id"), "name": .init("name"), "full_name": .init("full_name"), "email": .init("email"),
        "active": .init("active", .boolean), "description": .init("description"), "created": .init("created"), "updated": .init("updated"),
    ]

    public func accountPage(_ request: RecordPageRequest, serviceAccounts: Bool) async throws -> (accounts: [Account], total: Int) {
        let (rows, total) = try await PostgresFieldFilter.page(store, table: "users", scope: { statement in
            "is_service_account = \(statement.bind(serviceAccounts))"
        }, request: request, columns: Self.listedFields)
        return (try rows.map(Account.init(postgres:)), total)
    }

    public func accountIDs(nameOrID: String) async throws -> [String] {
        let id = nameOrID.lowercased()
        return try await store.rows("SELECT id FROM users WHERE id = \(id) OR name = \(nameOrID)").map { try $0.decode(String.self) }
    }

    public func accountList(offset: Int, limit: Int) async throws -> [Account] {
        let limit = Int64(max(1, min(limit, 10_000))), offset = Int64(max(0, offset))
        return try await store.rows("""
            SELECT * FROM users ORDER BY is_service_account, name COLLATE "C", id COLLATE "C" LIMIT \(limit) OFFSET \(offset)
            """).map(Account.init(postgres:))
    }
}
