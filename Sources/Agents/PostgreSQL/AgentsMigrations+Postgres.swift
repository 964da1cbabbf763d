import Storage

extension AgentsMigrations {
    /// The agents' table on PostgreSQL; times stay ISO-8601 text as on SQLite. Append-only, in step with `set`.
    public static let postgres = PostgresMigrationSet(module: "agents", migrations: [
        .init("v1_agents", [v1Agents]),
        .init("v2_jobs", v2Jobs),
    ])
}
