import Foundation
import PostgresNIO
import Storage

/// `AgentRepository` on PostgreSQL's `agents` table, shared by every replica: the same
/// single statements as on SQLite decide a taken name and a revoked agent.
public struct PostgresAgentRepository: AgentRepository {
    let store: PostgresStore

    /// The agents of `store`, whose migrations must include `AgentsMigrations.postgres`.
    public init(store: PostgresStore) { self.store = store }

    public func register(_ draft: AgentDraft, at time: String) async throws -> Agent {
        let (id, name, account, version, hostname, capacity, pool) =
            (UUID().uuidString.lowercased(), draft.name, draft.accountID, draft.version, draft.hostname, Int64(draft.capacity), draft.pool)
        if let row = try await store.rows("""
            INSERT INTO agents (id, name, account_id, version, hostname, capacity, running, registered_at, last_heartbeat, pool)
            VALUES (\(id), \(name), \(account), \(version), \(hostname), \(capacity), 0, \(time), \(time), \(pool))
            ON CONFLICT (name) DO UPDATE SET version = excluded.version, hostname = excluded.hostname,
                capacity = excluded.capacity, running = 0, last_heartbeat = excluded.last_heartbeat, pool = excluded.pool
            WHERE agents.account_id = excluded.account_id AND agents.revoked_at IS NULL
            RETURNING *
            """).first {
            return try Self.agent(row)
        }
        throw registrationRefusal(try await store.rows("SELECT * FROM agents WHERE name = \(name)").first.map(Self.agent), draft)
    }

    public func heartbeat(id: String, accountID: String, running: Int, capacity: Int, at time: String) async throws -> Agent {
        let (running, capacity) = (Int64(running), Int64(capacity))
        if let row = try await store.rows("""
            UPDATE agents SET last_heartbeat = \(time), running = \(running), capacity = \(capacity)
            WHERE id = \(id) AND account_id = \(accountID) AND revoked_at IS NULL RETURNING *
            """).first {
            return try Self.agent(row)
        }
        throw refusal(try await agent(id: id), accountID: accountID)
    }

    public func agents() async throws -> [Agent] {
        try await store.rows("SELECT * FROM agents ORDER BY name COLLATE \"C\"").map(Self.agent)
    }

    public func agent(id: String) async throws -> Agent? {
        try await store.rows("SELECT * FROM agents WHERE id = \(id)").first.map(Self.agent)
    }

    public func revoke(id: String, at time: String) async throws -> Agent? {
        try await store.rows("UPDATE agents SET revoked_at = COALESCE(revoked_at, \(time)), running = 0 WHERE id = \(id) RETURNING *")
            .first.map(Self.agent)
    }

    static func agent(_ row: PostgresRow) throws -> Agent {
        let c = row.makeRandomAccess()
        return Agent(id: try c["id"].decode(String.self), name: try c["name"].decode(String.self), accountID: try c["account_id"].decode(String.self),
                     version: try c["version"].decode(String.self), hostname: try c["hostname"].decode(String.self),
                     capacity: Int(try c["capacity"].decode(Int32.self)), running: Int(try c["running"].decode(Int32.self)),
                     registeredAt: try c["registered_at"].decode(String.self), lastHeartbeat: try c["last_heartbeat"].decode(String.self),
                     revokedAt: try c["revoked_at"].decode(String?.self),
                     pool: try c["pool"].decode(String?.self) ?? c["name"].decode(String.self))
    }
}
