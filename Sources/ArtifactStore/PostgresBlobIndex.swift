import PostgresNIO
import Storage

extension ArtifactStoreMigrations {
    /// The same table on PostgreSQL, written for PostgreSQL. Append-only, in step with `set`.
    public static let postgres = PostgresMigrationSet(module: "artifacts", migrations: [
        .init("v1_blobs", ["""
            CREATE TABLE artifact_blobs (
                path TEXT PRIMARY KEY,
                size BIGINT NOT NULL CHECK (size >= 0),
                sha256 TEXT NOT NULL,
                stored_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )
            """]),
        // Stored as the SQLite table stores it (Timestamp text, UTC), like every other time
        // of ours, so `enclave migrate` copies the table column for column (SQLite's was TEXT from v1).
        .init("v2_stored_at_text", [
            "ALTER TABLE artifact_blobs ALTER COLUMN stored_at DROP DEFAULT",
            """
            ALTER TABLE artifact_blobs ALTER COLUMN stored_at TYPE TEXT
            USING to_char(stored_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')
            """,
        ]),
    ])
}

/// `BlobIndex` in PostgreSQL, for replicas sharing one database: the same rules as the
/// SQLite index (one row per path, the last upload's facts win, a folder forgotten with
/// everything under it).
public struct PostgresBlobIndex: BlobIndex {
    let store: PostgresStore

    /// An index in `store`, whose migrations must include `ArtifactStoreMigrations.postgres`.
    public init(store: PostgresStore) { self.store = store }

    public func record(_ info: BlobInfo) async throws {
        let path = info.path.description, size = info.size, sha256 = info.sha256 ?? "", time = Timestamp.now()
        _ = try await store.rows("""
            INSERT INTO artifact_blobs (path, size, sha256, stored_at) VALUES (\(path), \(size), \(sha256), \(time))
            ON CONFLICT (path) DO UPDATE SET size = excluded.size, sha256 = excluded.sha256, stored_at = excluded.stored_at
            """)
    }

    public func digest(of path: ArtifactPath) async throws -> String? {
        let text = path.description
        return try await store.rows("SELECT sha256 FROM artifact_blobs WHERE path = \(text)").first?.decode(String.self)
    }

    public func forget(_ path: ArtifactPath) async throws {
        let text = path.description
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
        let under = escaped + "/%"
        _ = try await store.rows("DELETE FROM artifact_blobs WHERE path = \(text) OR path LIKE \(under) ESCAPE '\\'")
    }
}
