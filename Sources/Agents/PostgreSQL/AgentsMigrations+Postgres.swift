import Storage

extension AgentsMigrations {
    /// The agents' table on PostgreSQL; times stay ISO-8601 text as on SQLite. Append-only, in step with `set`.
    public static let postgres = PostgresMigrationSet(module: "agents", migrations: [
        .init("v1_agents", ["""
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
            """]),
    ])
}
