import GRDB
@_spi(SQLiteImplementation) import Storage

/// `AgentJobRepository` on the SQLite state file's `agent_jobs` table. SQLite has one writer
/// at a time, so each claim, renewal and report is one serialized statement.
public struct SQLiteAgentJobRepository: AgentJobRepository {
    let store: StateStore

    /// The run queue of `store`, whose migrations must include `AgentsMigrations.set`.
    public init(store: StateStore) { self.store = store }

    public func enqueue(_ draft: AgentJobDraft, at time: String) async throws -> AgentJob {
        let job = try await store.database.guardedWrite { db in
            try Row.fetchOne(db, sql: """
                INSERT INTO agent_jobs (run_id, snapshot_id, project_id, stack_id, pool, user_id, state, queued_at)
                VALUES (?, ?, ?, ?, ?, ?, 'queued', ?) RETURNING *
                """, arguments: [draft.runID, draft.snapshotID, draft.projectID, draft.stackID, draft.pool, draft.userID, time])
                .map(Self.job)
        }
        guard let job else { throw AgentsError.unknownJob }
        return job
    }

    public func claim(agentID: String, pool: String, leaseUntil: String) async throws -> AgentJob? {
        try await store.database.guardedWrite { db in
            try Row.fetchOne(db, sql: AgentJobStatements.claim(lockedSkip: ""),
                             arguments: [agentID, leaseUntil, pool]).map(Self.job)
        }
    }

    public func renew(agentID: String, runIDs: [String], leaseUntil: String) async throws -> [String] {
        guard !runIDs.isEmpty else { return [] }
        let held = try await store.database.guardedWrite { db in
            let marks = Array(repeating: "?", count: runIDs.count).joined(separator: ", ")
            var arguments: [(any DatabaseValueConvertible)?] = [leaseUntil, agentID]
            arguments += runIDs.map { $0 as (any DatabaseValueConvertible)? }
            return try String.fetchAll(db, sql: """
                UPDATE agent_jobs SET lease_expires = ? WHERE claimed_by = ? AND state = 'running' AND run_id IN (\(marks))
                RETURNING run_id
                """, arguments: StatementArguments(arguments))
        }
        return runIDs.filter { !held.contains($0) }
    }

    public func finish(runID: String, agentID: String, state: AgentJobState, outcome: String, at time: String) async throws -> AgentJob {
        let ended = try await store.database.guardedWrite { db in
            try Row.fetchOne(db, sql: AgentJobStatements.finish,
                             arguments: [state.rawValue, outcome, time, runID, agentID]).map(Self.job)
        }
        if let ended { return ended }
        throw reportRefusal(try await job(runID: runID), agentID: agentID)
    }

    public func expireLeases(before time: String, policy: LostRunPolicy) async throws -> [AgentJob] {
        try await store.database.guardedWrite { db in
            try Row.fetchAll(db, sql: AgentJobStatements.expire(policy), arguments: [time, time]).map(Self.job)
        }
    }

    public func cancel(runID: String, at time: String) async throws -> AgentJob? {
        try await store.database.guardedWrite { db in
            try Row.fetchOne(db, sql: AgentJobStatements.cancel, arguments: [time, runID]).map(Self.job)
        }
    }

    public func appendLog(runID: String, agentID: String, offset: Int, text: String) async throws {
        let kept = try await store.database.guardedWrite { db in
            try db.execute(sql: AgentJobStatements.appendLog(conflictSkip: "ON CONFLICT (run_id, byte_offset) DO NOTHING"),
                           arguments: [runID, offset, text, runID, agentID])
            return db.changesCount
        }
        if kept == 0, let job = try await job(runID: runID), job.claimedBy == agentID { return }  // a chunk sent again
        if kept == 0 { throw reportRefusal(try await job(runID: runID), agentID: agentID) }
    }

    public func runnerLog(runID: String) async throws -> String? {
        let chunks = try await store.database.read { db in try String.fetchAll(db, sql: AgentJobStatements.runnerLog, arguments: [runID]) }
        return chunks.isEmpty ? nil : chunks.joined()
    }

    public func hasQueued(pool: String) async throws -> Bool {
        try await store.database.read { db in
            try Row.fetchOne(db, sql: "SELECT 1 FROM agent_jobs WHERE pool = ? AND state = 'queued' LIMIT 1",
                             arguments: [pool]) != nil
        }
    }

    public func job(runID: String) async throws -> AgentJob? {
        try await store.database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM agent_jobs WHERE run_id = ?", arguments: [runID]).map(Self.job)
        }
    }

    /// A row as a job; a damaged column is an error, never a crash.
    static func job(_ row: Row) throws -> AgentJob {
        let state: String = try row.decode(forColumn: "state")
        guard let known = AgentJobState(rawValue: state) else { throw AgentsError.unknownJob }
        return AgentJob(runID: try row.decode(forColumn: "run_id"), snapshotID: try row.decode(forColumn: "snapshot_id"),
                        projectID: try row.decode(forColumn: "project_id"), stackID: try row.decode(forColumn: "stack_id"),
                        pool: try row.decode(forColumn: "pool"), userID: try row.decode(forColumn: "user_id"), state: known,
                        claimedBy: try row.decode(forColumn: "claimed_by"), leaseExpires: try row.decode(forColumn: "lease_expires"),
                        queuedAt: try row.decode(forColumn: "queued_at"), finishedAt: try row.decode(forColumn: "finished_at"),
                        outcome: try row.decode(forColumn: "outcome"))
    }
}
