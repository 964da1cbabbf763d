import Storage

extension IdentityMigrations {
    /// Identity's tables on PostgreSQL, written for PostgreSQL: the same rows as `set`, with
    /// booleans as BOOLEAN and the API's ISO-8601 times kept as text. Append-only, in step with `set`.
    public static let postgres = PostgresMigrationSet(module: "identity", migrations: [
        .init("v1_users_keys_tokens", ["""
            CREATE TABLE server_state (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                server_id TEXT NOT NULL,
                name TEXT NOT NULL,
                active BOOLEAN NOT NULL DEFAULT FALSE,
                setup_token_hash TEXT,
                created TEXT NOT NULL
            )
            """, """
            CREATE TABLE users (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                full_name TEXT NOT NULL DEFAULT '',
                email TEXT,
                password_hash TEXT,
                role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
                is_service_account BOOLEAN NOT NULL,
                active BOOLEAN NOT NULL,
                description TEXT,
                avatar_url TEXT,
                default_project_id TEXT,
                email_opted_in BOOLEAN,
                user_metadata TEXT NOT NULL DEFAULT '{}',
                password_changed_at TEXT,
                created TEXT NOT NULL,
                updated TEXT NOT NULL
            )
            """, """
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY,
                service_account_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                description TEXT NOT NULL DEFAULT '',
                key_hash TEXT NOT NULL,
                active BOOLEAN NOT NULL,
                last_login TEXT,
                last_rotated TEXT,
                created TEXT NOT NULL,
                updated TEXT NOT NULL,
                UNIQUE (service_account_id, name)
            )
            """, """
            CREATE TABLE access_tokens (
                token_hash TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                api_key_id TEXT REFERENCES api_keys(id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                pipeline_run_id TEXT,
                created TEXT NOT NULL,
                expires_at TEXT NOT NULL
            )
            """,
            "CREATE INDEX access_tokens_user ON access_tokens (user_id)",
            "CREATE INDEX access_tokens_expiry ON access_tokens (expires_at)",
        ]),
        .init("v2_decoy_hash", ["ALTER TABLE server_state ADD COLUMN decoy_hash TEXT"]),
        .init("v3_devices", ["""
            CREATE TABLE devices (
                id TEXT PRIMARY KEY,
                client_id TEXT NOT NULL UNIQUE,
                user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
                status TEXT NOT NULL,
                user_code_hash TEXT NOT NULL,
                device_code_hash TEXT NOT NULL,
                expires_at TEXT NOT NULL,
                trusted BOOLEAN NOT NULL DEFAULT FALSE,
                failed_attempts INTEGER NOT NULL DEFAULT 0,
                hostname TEXT, os TEXT, python_version TEXT, zenml_version TEXT, ip_address TEXT,
                last_login TEXT,
                created TEXT NOT NULL,
                updated TEXT NOT NULL
            )
            """,
            "ALTER TABLE access_tokens ADD COLUMN device_id TEXT REFERENCES devices(id) ON DELETE CASCADE",
            "CREATE INDEX access_tokens_device ON access_tokens (device_id)",
        ]),
        // Agents' service accounts (`Role.agent`): the role check learns the new value.
        .init("v4_agent_role", [
            "ALTER TABLE users DROP CONSTRAINT IF EXISTS users_role_check",
            "ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('admin', 'editor', 'viewer', 'agent'))",
        ]),
    ])
}
