import GRDB
@_spi(SQLiteImplementation) import Storage

/// `ArtifactCatalog` over the control plane's tables (read-only).
public struct SQLiteArtifactCatalog: ArtifactCatalog {
    let store: StateStore

    /// A catalog reading `store`.
    public init(store: StateStore) { self.store = store }

    public func artifacts(page: Int, size: Int) async throws -> CatalogPage<ArtifactSummary> {
        try await store.database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM artifacts") ?? 0
            let rows = try Row.fetchAll(db, sql: """
                SELECT a.id, a.name, COUNT(v.id) AS versions, MAX(v.created) AS latest_at, COALESCE(MAX(v.created), a.updated) AS touched,
                (SELECT v2.version FROM artifact_versions v2 WHERE v2.artifact_id = a.id ORDER BY v2.created DESC LIMIT 1) AS latest_version,
                (SELECT v2.type FROM artifact_versions v2 WHERE v2.artifact_id = a.id ORDER BY v2.created DESC LIMIT 1) AS latest_type
                FROM artifacts a LEFT JOIN artifact_versions v ON v.artifact_id = a.id
                GROUP BY a.id, a.name, a.updated ORDER BY touched DESC, a.id LIMIT ? OFFSET ?
                """, arguments: [size, CatalogPage<ArtifactSummary>.offset(page: page, size: size)])
            let items = try rows.map { try CatalogRows.artifactSummary(StoredRow($0)) }
            return CatalogPage(items: items, total: total, page: page, size: size)
        }
    }

    public func versions(artifactID: String, page: Int, size: Int) async throws -> (name: String, page: CatalogPage<ArtifactVersionView>)? {
        try await store.database.read { db in
            guard let name = try String.fetchOne(db, sql: "SELECT name FROM artifacts WHERE id = ?", arguments: [artifactID.lowercased()]) else { return nil }
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM artifact_versions WHERE artifact_id = ?", arguments: [artifactID.lowercased()]) ?? 0
            let rows = try Row.fetchAll(db, sql: """
                SELECT v.*, a.name AS artifact_name FROM artifact_versions v JOIN artifacts a ON a.id = v.artifact_id
                WHERE v.artifact_id = ? ORDER BY v.created DESC, v.id LIMIT ? OFFSET ?
                """, arguments: [artifactID.lowercased(), size, CatalogPage<ArtifactVersionView>.offset(page: page, size: size)])
            return (name, CatalogPage(items: try rows.map { try Self.view($0, db: db) }, total: total, page: page, size: size))
        }
    }

    public func version(id: String) async throws -> ArtifactVersionView? {
        try await store.database.read { db in
            try Row.fetchOne(db, sql: """
                SELECT v.*, a.name AS artifact_name FROM artifact_versions v JOIN artifacts a ON a.id = v.artifact_id WHERE v.id = ?
                """, arguments: [id.lowercased()]).map { try Self.view($0, db: db) }
        }
    }

    static func view(_ row: Row, db: GRDB.Database) throws -> ArtifactVersionView {
        let id: String = try row.decode(forColumn: "id")
        let tags = try String.fetchAll(db, sql: """
            SELECT g.name FROM tags g JOIN tag_resources l ON l.tag_id = g.id WHERE l.resource_id = ? AND l.resource_type = 'artifact_version' ORDER BY g.name
            """, arguments: [id])
        func reference(_ row: Row) throws -> StepReference { try CatalogRows.stepReference(StoredRow(row)) }
        let producer = try Row.fetchOne(db, sql: """
            SELECT s.name AS step_name, s.id AS step_id, r.id AS run_id, r.name AS run_name FROM step_runs s JOIN pipeline_runs r ON r.id = s.pipeline_run_id
            WHERE s.id = ?
            """, arguments: [try row.decode(String?.self, forColumn: "producer_step_run_id")]).map(reference)
        let consumers = try Row.fetchAll(db, sql: """
            SELECT s.name AS step_name, s.id AS step_id, r.id AS run_id, r.name AS run_name FROM step_run_artifacts l
            JOIN step_runs s ON s.id = l.step_run_id JOIN pipeline_runs r ON r.id = s.pipeline_run_id
            WHERE l.artifact_version_id = ? AND l.direction = 'input' ORDER BY s.created LIMIT 50
            """, arguments: [id]).map(reference)
        return try CatalogRows.artifactVersion(StoredRow(row), tags: tags, producer: producer, consumers: consumers)
    }
}
