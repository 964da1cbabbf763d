import GRDB
import Storage

/// The agents' table. Append-only: add new migrations at the end, never edit a shipped one.
public enum AgentsMigrations {
    /// The SQLite migrations, in step with `postgres`.
    public static let set = MigrationSet(module: "agents", migrations: [
        .init("v1_agents") { db in
            try db.execute(sql: v1Agents)
        },
        .init("v2_jobs") { db in
            for statement in v2Jobs { try db.execute(sql: statement) }
        },
    ])

    /// The agents' table as both engines create it (the SQL is portable; times are ISO-8601 text).
    static let v1Agents = """
        CREATE TABLE agents (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            account_id TEXT NOT NULL,
            version TEXT NOT NULL,
            hostname TEXT NOT NULL,
            capacity INTEGER NOT NULL CHECK (capacity > 0),
            running INTEGER NOT NULL CHECK (running >= 0),
            registered_at TEXT NOT NULL,
            last_heartbeat TEXT NOT NULL,
            revoked_at TEXT
        )
        """

    /// The run queue as both engines create it: one row per triggered run, claimed by one agent
    /// of the pool it was queued for (an agent's pool is its name unless it names another).
    static let v2Jobs = [
        "ALTER TABLE agents ADD COLUMN pool TEXT",
        """
        CREATE TABLE agent_jobs (
            run_id TEXT PRIMARY KEY,
            snapshot_id TEXT NOT NULL,
            project_id TEXT NOT NULL,
            stack_id TEXT NOT NULL,
            pool TEXT NOT NULL,
            user_id TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'finished', 'failed', 'lost', 'cancelled')),
            claimed_by TEXT,
            lease_expires TEXT,
            queued_at TEXT NOT NULL,
            finished_at TEXT,
            outcome TEXT
        )
        """,
        "CREATE INDEX agent_jobs_queue ON agent_jobs (pool, state, queued_at)",
        "CREATE INDEX agent_jobs_leases ON agent_jobs (state, lease_expires)",
        """
        CREATE TABLE agent_run_logs (
            run_id TEXT NOT NULL REFERENCES agent_jobs(run_id) ON DELETE CASCADE,
            byte_offset INTEGER NOT NULL CHECK (byte_offset >= 0),
            text TEXT NOT NULL,
            PRIMARY KEY (run_id, byte_offset)
        )
        """,
    ]
}
