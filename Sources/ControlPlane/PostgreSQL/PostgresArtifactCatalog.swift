import PostgresNIO
import Storage

/// `ArtifactCatalog` over PostgreSQL's control-plane tables (read-only).
public struct PostgresArtifactCatalog: ArtifactCatalog {
    let store: PostgresStore

    /// A catalog reading `store`.
    public init(store: PostgresStore) { self.store = store }

    public func artifacts(page: Int, size: Int) async throws -> CatalogPage<ArtifactSummary> {
        try await store.read { session in
            let total = try await session.value("SELECT COUNT(*) FROM artifacts", as: Int64.self) ?? 0
            let offset = Int64(CatalogPage<ArtifactSummary>.offset(page: page, size: size))
            let rows = try await session.rows("""
                SELECT a.id, a.name, COUNT(v.id) AS versions, MAX(v.created COLLATE "C") AS latest_at,
                COALESCE(MAX(v.created COLLATE "C"), a.updated) AS touched,
                (SELECT v2.version FROM artifact_versions v2 WHERE v2.artifact_id = a.id ORDER BY v2.created COLLATE "C" DESC LIMIT 1) AS latest_version,
                (SELECT v2.type FROM artifact_versions v2 WHERE v2.artifact_id = a.id ORDER BY v2.created COLLATE "C" DESC LIMIT 1) AS latest_type
                FROM artifacts a LEFT JOIN artifact_versions v ON v.artifact_id = a.id
                GROUP BY a.id, a.name, a.updated ORDER BY touched DESC, a.id COLLATE "C" LIMIT \(Int64(size)) OFFSET \(offset)
                """)
            return CatalogPage(items: try rows.map { try CatalogRows.artifactSummary(try StoredRow(postgres: $0)) }, total: Int(total), page: page, size: size)
        }
    }

    public func versions(artifactID: String, page: Int, size: Int) async throws -> (name: String, page: CatalogPage<ArtifactVersionView>)? {
        let artifactID = artifactID.lowercased()
        return try await store.read { session in
            guard let name = try await session.value("SELECT name FROM artifacts WHERE id = \(artifactID)", as: String.self) else { return nil }
            let total = try await session.value("SELECT COUNT(*) FROM artifact_versions WHERE artifact_id = \(artifactID)", as: Int64.self) ?? 0
            let offset = Int64(CatalogPage<ArtifactVersionView>.offset(page: page, size: size))
            var views: [ArtifactVersionView] = []
            for row in try await session.rows("""
                SELECT v.*, a.name AS artifact_name FROM artifact_versions v JOIN artifacts a ON a.id = v.artifact_id
                WHERE v.artifact_id = \(artifactID) ORDER BY v.created COLLATE "C" DESC, v.id COLLATE "C" LIMIT \(Int64(size)) OFFSET \(offset)
                """) {
                views.append(try await Self.view(try StoredRow(postgres: row), session))
            }
            return (name, CatalogPage(items: views, total: Int(total), page: page, size: size))
        }
    }

    public func version(id: String) async throws -> ArtifactVersionView? {
        try await store.read { session in
            guard let row = try await session.row("""
                SELECT v.*, a.name AS artifact_name FROM artifact_versions v JOIN artifacts a ON a.id = v.artifact_id WHERE v.id = \(id.lowercased())
                """) else { return nil }
            return try await Self.view(row, session)
        }
    }

    static func view(_ row: StoredRow, _ session: PostgresSession) async throws -> ArtifactVersionView {
        let id: String = try row.decode(forColumn: "id")
        let tags = try await PostgresCatalogTags.names(of: id, kind: "artifact_version", session)
        let producerID: String? = try row.decode(forColumn: "producer_step_run_id")
        let producer = try await session.row("""
            SELECT s.name AS step_name, s.id AS step_id, r.id AS run_id, r.name AS run_name FROM step_runs s JOIN pipeline_runs r ON r.id = s.pipeline_run_id
            WHERE s.id = \(producerID)
            """).map(CatalogRows.stepReference)
        let consumers = try await session.rows("""
            SELECT s.name AS step_name, s.id AS step_id, r.id AS run_id, r.name AS run_name FROM step_run_artifacts l
            JOIN step_runs s ON s.id = l.step_run_id JOIN pipeline_runs r ON r.id = s.pipeline_run_id
            WHERE l.artifact_version_id = \(id) AND l.direction = 'input' ORDER BY s.created COLLATE "C" LIMIT 50
            """).map { try CatalogRows.stepReference(try StoredRow(postgres: $0)) }
        return try CatalogRows.artifactVersion(row, tags: tags, producer: producer, consumers: consumers)
    }
}
