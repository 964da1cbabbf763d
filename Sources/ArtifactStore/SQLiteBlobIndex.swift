import GRDB
@_spi(SQLiteImplementation) import Storage

/// One row of `artifact_blobs`.
struct BlobRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "artifact_blobs"
    var path: String
    var size: Int64
    var sha256: String
    var stored_at: String
}

/// `BlobIndex` in the shared SQLite database. Portable SQL only (`ON CONFLICT … DO UPDATE`,
/// `LIKE … ESCAPE`), so a PostgreSQL index can follow.
public struct SQLiteBlobIndex: BlobIndex {
    let store: StateStore

    /// An index in `store`, whose migrations must include `ArtifactStoreMigrations.set`.
    public init(store: StateStore) { self.store = store }

    public func record(_ info: BlobInfo) async throws {
        let row = BlobRecord(path: info.path.description, size: info.size, sha256: info.sha256 ?? "", stored_at: Timestamp.now())
        try await store.database.write { db in
            try db.execute(sql: """
                INSERT INTO artifact_blobs (path, size, sha256, stored_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (path) DO UPDATE SET size = excluded.size, sha256 = excluded.sha256, stored_at = excluded.stored_at
                """, arguments: [row.path, row.size, row.sha256, row.stored_at])
        }
    }

    public func digest(of path: ArtifactPath) async throws -> String? {
        try await store.database.read { db in try BlobRecord.fetchOne(db, key: path.description)?.sha256 }
    }

    public func forget(_ path: ArtifactPath) async throws {
        let text = path.description
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
        try await store.database.write { db in
            try db.execute(sql: "DELETE FROM artifact_blobs WHERE path = ? OR path LIKE ? ESCAPE '\\'", arguments: [text, escaped + "/%"])
        }
    }
}
