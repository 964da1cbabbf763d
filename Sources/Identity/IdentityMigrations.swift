import GRDB
import Storage

/// The tables the Identity module owns: users (people and service accounts), API keys,
/// access tokens and the server's activation state.
public enum IdentityMigrations {
    /// Append-only: add new migrations at the end, never edit a shipped one.
    public static let set = MigrationSet(module: "identity", migrations: [
        .init("v1_users_keys_tokens") { db in
            try db.execute(sql: """
                CREATE TABLE server_state (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    server_id TEXT NOT NULL,
                    name TEXT NOT NULL,
                    active INTEGER NOT NULL DEFAULT 0,
                    setup_token_hash TEXT,
                    created TEXT NOT NULL
                );
                CREATE TABLE users (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    full_name TEXT NOT NULL DEFAULT '',
                    email TEXT,
                    password_hash TEXT,
                    role TEXT NOT NULL,
                    is_service_account INTEGER NOT NULL,
                    active INTEGER NOT NULL,
                    description TEXT,
                    avatar_url TEXT,
                    default_project_id TEXT,
                    email_opted_in INTEGER,
                    user_metadata TEXT NOT NULL DEFAULT '{}',
                    password_changed_at TEXT,
                    created TEXT NOT NULL,
                    updated TEXT NOT NULL
                );
                CREATE TABLE api_keys (
                    id TEXT PRIMARY KEY,
                    service_account_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    description TEXT NOT NULL DEFAULT '',
                    key_hash TEXT NOT NULL,
                    active INTEGER NOT NULL,
                    last_login TEXT,
                    last_rotated TEXT,
                    created TEXT NOT NULL,
                    updated TEXT NOT NULL,
                    UNIQUE (service_account_id, name)
                );
                CREATE TABLE access_tokens (
                    token_hash TEXT PRIMARY KEY,
                    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                    api_key_id TEXT REFERENCES api_keys(id) ON DELETE CASCADE,
                    kind TEXT NOT NULL,
                    pipeline_run_id TEXT,
                    created TEXT NOT NULL,
                    expires_at TEXT NOT NULL
                );
                CREATE INDEX access_tokens_user ON access_tokens(user_id);
                CREATE INDEX access_tokens_expiry ON access_tokens(expires_at);
                """)
        },
        // The decoy password hash for unknown names, kept so a restart need not make it again.
        .init("v2_decoy_hash") { db in
            try db.execute(sql: "ALTER TABLE server_state ADD COLUMN decoy_hash TEXT")
        },
        // Devices signed in with OAuth's device flow (`zenml login URL`), approved in the
        // dashboard; revoking one ends every token it was given.
        .init("v3_devices") { db in
            try db.execute(sql: """
                CREATE TABLE devices (
                    id TEXT PRIMARY KEY, client_id TEXT NOT NULL UNIQUE, user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
                    status TEXT NOT NULL, user_code_hash TEXT NOT NULL, device_code_hash TEXT NOT NULL, expires_at TEXT NOT NULL,
                    trusted INTEGER NOT NULL DEFAULT 0, failed_attempts INTEGER NOT NULL DEFAULT 0,
                    hostname TEXT, os TEXT, python_version TEXT, zenml_version TEXT, ip_address TEXT,
                    last_login TEXT, created TEXT NOT NULL, updated TEXT NOT NULL
                );
                ALTER TABLE access_tokens ADD COLUMN device_id TEXT REFERENCES devices(id) ON DELETE CASCADE;
                """)
        },
        // In step with PostgreSQL's v4_agent_role: SQLite's `role` column has no check to widen.
        .init("v4_agent_role") { _ in },
    ])
}
