import Storage

extension SecretsMigrations {
    /// The secret store's tables on PostgreSQL, written for PostgreSQL. Times stay the API's
    /// ISO-8601 text (what ZenML shows and lists compare), so both engines hold the same values.
    /// Append-only, in step with `set`.
    public static let postgres = PostgresMigrationSet(module: "secrets", migrations: [
        .init("v1_audit", ["""
            CREATE TABLE secrets_audit (
                sequence BIGINT PRIMARY KEY CHECK (sequence > 0),
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                secret_id TEXT,
                address TEXT,
                outcome TEXT NOT NULL,
                previous_hash TEXT NOT NULL,
                hash TEXT NOT NULL UNIQUE
            )
            """]),
        .init("v2_values", ["""
            CREATE TABLE secrets_values (
                secret_id TEXT NOT NULL,
                key TEXT NOT NULL,
                sealed TEXT NOT NULL,
                key_id TEXT NOT NULL,
                PRIMARY KEY (secret_id, key)
            )
            """, "CREATE INDEX secrets_values_by_key_id ON secrets_values (key_id)"]),
        .init("v3_records", ["""
            CREATE TABLE secrets (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                private BOOLEAN NOT NULL,
                user_id TEXT,
                scope TEXT NOT NULL,
                created TEXT NOT NULL,
                updated TEXT NOT NULL,
                UNIQUE (name, scope)
            )
            """, "CREATE INDEX secrets_by_user ON secrets (user_id)"]),
    ])
}
