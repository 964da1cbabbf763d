import Foundation
import GRDB
@_spi(SQLiteImplementation) import Storage

/// `AgentRepository` on the SQLite state file's `agents` table.
public struct SQLiteAgentRepository: AgentRepository {
    let store: StateStore

    /// The agents of `store`, whose migrations must include `AgentsMigrations.set`.
    public init(store: StateStore) { self.store = store }

    public func register(_ draft: AgentDraft, at time: String) async throws -> Agent {
        let registered = try await store.database.guardedWrite { db in
            try Row.fetchOne(db, sql: """
                INSERT INTO agents (id, name, account_id, version, hostname, capacity, running, registered_at, last_heartbeat, pool)
                VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET version = excluded.version, hostname = excluded.hostname,
                    capacity = excluded.capacity, running = 0, last_heartbeat = excluded.last_heartbeat, pool = excluded.pool
                WHERE agents.account_id = excluded.account_id AND agents.revoked_at IS NULL
                RETURNING *
                """, arguments: [UUID().uuidString.lowercased(), draft.name, draft.accountID, draft.version, draft.hostname,
                                 draft.capacity, time, time, draft.pool]).map(Self.agent)
        }
        if let registered { return registered }
        throw registrationRefusal(try await agent(named: draft.name), draft)
    }

    public func heartbeat(id: String, accountID: String, running: Int, capacity: Int, at time: String) async throws -> Agent {
        let updated = try await store.database.guardedWrite { db in
            try Row.fetchOne(db, sql: """
                UPDATE agents SET last_heartbeat = ?, running = ?, capacity = ?
                WHERE id = ? AND account_id = ? AND revoked_at IS NULL RETURNING *
                """, arguments: [time, running, capacity, id, accountID]).map(Self.agent)
        }
        if let updated { return updated }
        throw refusal(try await agent(id: id), accountID: accountID)
    }

    public func agents() async throws -> [Agent] {
        try await store.database.read { db in try Row.fetchAll(db, sql: "SELECT * FROM agents ORDER BY name").map(Self.agent) }
    }

    public func agent(id: String) async throws -> Agent? {
        try await store.database.read { db in try Row.fetchOne(db, sql: "SELECT * FROM agents WHERE id = ?", arguments: [id]).map(Self.agent) }
    }

    func agent(named name: String) async throws -> Agent? {
        try await store.database.read { db in try Row.fetchOne(db, sql: "SELECT * FROM agents WHERE name = ?", arguments: [name]).map(Self.agent) }
    }

    public func revoke(id: String, at time: String) async throws -> Agent? {
        try await store.database.guardedWrite { db in
            try Row.fetchOne(db, sql: "UPDATE agents SET revoked_at = COALESCE(revoked_at, ?), running = 0 WHERE id = ? RETURNING *",
                             arguments: [time, id]).map(Self.agent)
        }
    }

    /// A row as an agent; a damaged column is an error, never a crash.
    static func agent(_ row: Row) throws -> Agent {
        Agent(id: try row.decode(forColumn: "id"), name: try row.decode(forColumn: "name"), accountID: try row.decode(forColumn: "account_id"),
              version: try row.decode(forColumn: "version"), hostname: try row.decode(forColumn: "hostname"),
              capacity: try row.decode(forColumn: "capacity"), running: try row.decode(forColumn: "running"),
              registeredAt: try row.decode(forColumn: "registered_at"), lastHeartbeat: try row.decode(forColumn: "last_heartbeat"),
              revokedAt: try row.decode(forColumn: "revoked_at"),
              pool: try row.decode(String?.self, forColumn: "pool") ?? row.decode(forColumn: "name"))
    }
}
