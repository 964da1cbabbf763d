import PostgresNIO
import Storage

/// `ModelCatalog` over PostgreSQL's control-plane tables (read-only).
public struct PostgresModelCatalog: ModelCatalog {
    let store: PostgresStore

    /// A catalog reading `store`.
    public init(store: PostgresStore) { self.store = store }

    public func models(page: Int, size: Int) async throws -> CatalogPage<(id: String, name: String, versions: Int, latest: String?, production: String?)> {
        try await store.read { session in
            let total = try await session.value("SELECT COUNT(*) FROM models", as: Int64.self) ?? 0
            let offset = Int64(CatalogPage<Int>.offset(page: page, size: size))
            let rows = try await session.rows("""
                SELECT m.id, m.name, (SELECT COUNT(*) FROM model_versions v WHERE v.model_id = m.id) AS versions,
                (SELECT v.name FROM model_versions v WHERE v.model_id = m.id ORDER BY v.number DESC LIMIT 1) AS latest,
                (SELECT v.name FROM model_versions v WHERE v.model_id = m.id AND v.stage = 'production' LIMIT 1) AS production
                FROM models m ORDER BY m.updated COLLATE "C" DESC, m.id COLLATE "C" LIMIT \(Int64(size)) OFFSET \(offset)
                """).map(StoredRow.init(postgres:))
            let items = try rows.map { row in
                (id: try row.decode(String.self, forColumn: "id"), name: try row.decode(String.self, forColumn: "name"),
                 versions: try row.decode(Int.self, forColumn: "versions"), latest: try row.decode(String?.self, forColumn: "latest"),
                 production: try row.decode(String?.self, forColumn: "production"))
            }
            return CatalogPage(items: items, total: Int(total), page: page, size: size)
        }
    }

    public func model(id: String) async throws -> ModelView? {
        try await store.read { session in
            guard let model = try await session.row("SELECT * FROM models WHERE id = \(id.lowercased())") else { return nil }
            let modelID: String = try model.decode(forColumn: "id")
            var summaries: [ModelVersionSummary] = []
            for row in try await session.rows("SELECT * FROM model_versions WHERE model_id = \(modelID) ORDER BY number DESC LIMIT 100")
                .map(StoredRow.init(postgres:)) {
                let id: String = try row.decode(forColumn: "id")
                let runs = try await session.rows("""
                    SELECT r.id, r.name FROM model_version_pipeline_runs l JOIN pipeline_runs r ON r.id = l.pipeline_run_id
                    WHERE l.model_version_id = \(id) ORDER BY r.created COLLATE "C" LIMIT 20
                    """).map { try $0.decode((String, String).self) }.map { (id: $0.0, name: $0.1) }
                let artifacts = try await session.rows("""
                    SELECT v.id, a.name, v.version, v.type FROM model_version_artifacts l JOIN artifact_versions v ON v.id = l.artifact_version_id
                    JOIN artifacts a ON a.id = v.artifact_id WHERE l.model_version_id = \(id) ORDER BY a.name COLLATE "C" LIMIT 50
                    """).map { try $0.decode((String, String, String, String).self) }.map { (versionID: $0.0, name: $0.1, version: $0.2, type: $0.3) }
                summaries.append(ModelVersionSummary(id: id, name: try row.decode(forColumn: "name"), number: try row.decode(forColumn: "number"),
                                                     stage: try row.decode(forColumn: "stage"), created: try row.decode(forColumn: "created"),
                                                     tags: try await PostgresCatalogTags.names(of: id, kind: "model_version", session),
                                                     runs: runs, artifacts: artifacts))
            }
            return ModelView(id: modelID, name: try model.decode(forColumn: "name"), description: try model.decode(forColumn: "description"),
                             license: try model.decode(forColumn: "license"), tags: try await PostgresCatalogTags.names(of: modelID, kind: "model", session),
                             versions: summaries)
        }
    }
}
