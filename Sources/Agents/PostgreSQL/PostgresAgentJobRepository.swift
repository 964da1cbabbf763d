import PostgresNIO
import Storage

/// `AgentJobRepository` on PostgreSQL's `agent_jobs` table, shared by every replica. A claim
/// locks the row it takes with `FOR UPDATE SKIP LOCKED`, so agents claiming at once through
/// different replicas each get a different run and never wait on one another.
public struct PostgresAgentJobRepository: AgentJobRepository {
    let store: PostgresStore

    /// The run queue of `store`, whose migrations must include `AgentsMigrations.postgres`.
    public init(store: PostgresStore) { self.store = store }

    public func enqueue(_ draft: AgentJobDraft, at time: String) async throws -> AgentJob {
        let sql = """
            INSERT INTO agent_jobs (run_id, snapshot_id, project_id, stack_id, pool, user_id, state, queued_at)
            VALUES (?, ?, ?, ?, ?, ?, 'queued', ?) RETURNING *
            """
        guard let row = try await store.rows(Self.numbered(sql, [draft.runID, draft.snapshotID, draft.projectID, draft.stackID,
                                                                draft.pool, draft.userID, time])).first else {
            throw AgentsError.unknownJob
        }
        return try Self.job(row)
    }

    public func claim(agentID: String, pool: String, leaseUntil: String) async throws -> AgentJob? {
        try await store.rows(Self.numbered(AgentJobStatements.claim(lockedSkip: "FOR UPDATE SKIP LOCKED"), [agentID, leaseUntil, pool]))
            .first.map(Self.job)
    }

    public func renew(agentID: String, runIDs: [String], leaseUntil: String) async throws -> [String] {
        guard !runIDs.isEmpty else { return [] }
        var statement = PostgresStatement()
        let sql = """
            UPDATE agent_jobs SET lease_expires = \(statement.bind(leaseUntil)) WHERE claimed_by = \(statement.bind(agentID))
              AND state = 'running' AND run_id = ANY(\(statement.bind(runIDs))) RETURNING run_id
            """
        let held = try await store.rows(statement.query(sql)).map { try $0.decode(String.self) }
        return runIDs.filter { !held.contains($0) }
    }

    public func finish(runID: String, agentID: String, state: AgentJobState, outcome: String, at time: String) async throws -> AgentJob {
        if let row = try await store.rows(Self.numbered(AgentJobStatements.finish, [state.rawValue, outcome, time, runID, agentID])).first {
            return try Self.job(row)
        }
        throw reportRefusal(try await job(runID: runID), agentID: agentID)
    }

    public func expireLeases(before time: String, policy: LostRunPolicy) async throws -> [AgentJob] {
        try await store.rows(Self.numbered(AgentJobStatements.expire(policy), [time, time])).map(Self.job)
    }

    public func cancel(runID: String, at time: String) async throws -> AgentJob? {
        try await store.rows(Self.numbered(AgentJobStatements.cancel, [time, runID])).first.map(Self.job)
    }

    public func appendLog(runID: String, agentID: String, offset: Int, text: String) async throws {
        let sql = AgentJobStatements.appendLog(conflictSkip: "ON CONFLICT (run_id, byte_offset) DO NOTHING RETURNING 1")
        if try await !store.rows(Self.numbered(sql, [runID, Int64(offset), text, runID, agentID])).isEmpty { return }
        if let job = try await job(runID: runID), job.claimedBy == agentID { return }  // a chunk sent again
        throw reportRefusal(try await job(runID: runID), agentID: agentID)
    }

    public func runnerLog(runID: String) async throws -> String? {
        let chunks = try await store.rows(Self.numbered(AgentJobStatements.runnerLog, [runID])).map { try $0.decode(String.self) }
        return chunks.isEmpty ? nil : chunks.joined()
    }

    public func hasQueued(pool: String) async throws -> Bool {
        try await !store.rows("SELECT 1 FROM agent_jobs WHERE pool = \(pool) AND state = 'queued' LIMIT 1").isEmpty
    }

    public func job(runID: String) async throws -> AgentJob? {
        try await store.rows("SELECT * FROM agent_jobs WHERE run_id = \(runID)").first.map(Self.job)
    }

    /// `sql` with its `?` marks numbered `$1…` and bound to `values` in order.
    static func numbered(_ sql: String, _ values: [any PostgresNonThrowingEncodable & Sendable]) -> PostgresQuery {
        var statement = PostgresStatement()
        var numbered = ""
        var remaining = values[...]
        for character in sql {
            if character == "?", let value = remaining.popFirst() { numbered += statement.bind(value) } else { numbered.append(character) }
        }
        return statement.query(numbered)
    }

    static func job(_ row: PostgresRow) throws -> AgentJob {
        let c = row.makeRandomAccess()
        guard let state = AgentJobState(rawValue: try c["state"].decode(String.self)) else { throw AgentsError.unknownJob }
        return AgentJob(runID: try c["run_id"].decode(String.self), snapshotID: try c["snapshot_id"].decode(String.self),
                        projectID: try c["project_id"].decode(String.self), stackID: try c["stack_id"].decode(String.self),
                        pool: try c["pool"].decode(String.self), userID: try c["user_id"].decode(String.self), state: state,
                        claimedBy: try c["claimed_by"].decode(String?.self), leaseExpires: try c["lease_expires"].decode(String?.self),
                        queuedAt: try c["queued_at"].decode(String.self), finishedAt: try c["finished_at"].decode(String?.self),
                        outcome: try c["outcome"].decode(String?.self))
    }
}
