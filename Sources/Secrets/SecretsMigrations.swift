import GRDB
import Storage

/// The secret store's tables: the audit trail, sealed values and the secrets' records.
public enum SecretsMigrations {
    /// Append-only: add new migrations at the end, never edit a shipped one.
    public static let set = MigrationSet(module: "secrets", migrations: [
        .init("v1_audit") { db in
            try db.execute(sql: """
                CREATE TABLE secrets_audit (
                    sequence INTEGER PRIMARY KEY,
                    at TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    secret_id TEXT,
                    address TEXT,
                    outcome TEXT NOT NULL,
                    previous_hash TEXT NOT NULL,
                    hash TEXT NOT NULL
                )
                """)
        },
        .init("v2_values") { db in
            try db.execute(sql: """
                CREATE TABLE secrets_values (
                    secret_id TEXT NOT NULL,
                    key TEXT NOT NULL,
                    sealed TEXT NOT NULL,
                    key_id TEXT NOT NULL,
                    PRIMARY KEY (secret_id, key)
                );
                CREATE INDEX secrets_values_by_key_id ON secrets_values(key_id);
                """)
        },
        .init("v3_records") { db in
            try db.execute(sql: """
                CREATE TABLE secrets (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    private BOOLEAN NOT NULL,
                    user_id TEXT,
                    scope TEXT NOT NULL,
                    created TEXT NOT NULL,
                    updated TEXT NOT NULL,
                    UNIQUE (name, scope)
                );
                CREATE INDEX secrets_by_user ON secrets(user_id);
                """)
        },
    ])
}
