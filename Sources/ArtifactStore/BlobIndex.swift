import GRDB
import Storage

/// Where the store records each file's size and SHA-256 as it was uploaded, so a later
/// check (or a client's digest) can be compared with what arrived.
public protocol BlobIndex: Sendable {
    /// Records (or replaces) the facts of one stored file.
    func record(_ info: BlobInfo) async throws
    /// The recorded digest of the file at `path`.
    func digest(of path: ArtifactPath) async throws -> String?
    /// Forgets `path` and everything under it.
    func forget(_ path: ArtifactPath) async throws
}

/// The table the ArtifactStore module owns.
public enum ArtifactStoreMigrations {
    /// Append-only: add new migrations at the end, never edit a shipped one.
    public static let set = MigrationSet(module: "artifacts", migrations: [
        .init("v1_blobs") { db in
            try db.execute(sql: """
                CREATE TABLE artifact_blobs (
                    path TEXT PRIMARY KEY,
                    size INTEGER NOT NULL,
                    sha256 TEXT NOT NULL,
                    stored_at TEXT NOT NULL
                )
                """)
        },
    ])
}
