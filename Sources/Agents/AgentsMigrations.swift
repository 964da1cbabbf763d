import GRDB
import Storage

/// The agents' table. Append-only: add new migrations at the end, never edit a shipped one.
public enum AgentsMigrations {
    /// The SQLite migrations, in step with `postgres`.
    public static let set = MigrationSet(module: "agents", migrations: [
        .init("v1_agents") { db in
            try db.execute(sql: v1Agents)
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
}
