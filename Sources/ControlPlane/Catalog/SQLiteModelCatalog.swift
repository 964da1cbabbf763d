import GRDB
@_spi(SQLiteImplementation) import Storage

/// `ModelCatalog` over the control plane's tables (read-only).
public struct SQLiteModelCatalog: ModelCatalog {
    let store: StateStore

    /// A catalog reading `store`.
    public init(store: StateStore) { self.store = store }

    public func models(page: Int, size: Int) async throws -> CatalogPage<(id: String, name: String, versions: Int, latest: String?, production: String?)> {
        try await store.database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM models") ?? 0
            let rows = try Row.fetchAll(db, sql: """
                SELECT m.id, m.name, (SELECT COUNT(*) FROM model_versions v WHERE v.model_id = m.id) AS versions,
                (SELECT v.name FROM model_versions v WHERE v.model_id = m.id ORDER BY v.number DESC LIMIT 1) AS latest,
                (SELECT v.name FROM model_versions v WHERE v.model_id = m.id AND v.stage = 'production' LIMIT 1) AS production
                FROM models m ORDER BY m.updated DESC, m.id LIMIT ? OFFSET ?
                """, arguments: [size, CatalogPage<Int>.offset(page: page, size: size)])
            let items = try rows.map { row in
                (id: try row.decode(String.self, forColumn: "id"), name: try row.decode(String.self, forColumn: "name"),
                 versions: try row.decode(Int.self, forColumn: "versions"), latest: try row.decode(String?.self, forColumn: "latest"),
                 production: try row.decode(String?.self, forColumn: "production"))
            }
            return CatalogPage(items: items, total: total, page: page, size: size)
        }
    }

    public func model(id: String) async throws -> ModelView? {
        try await store.database.read { db in
            guard let model = try Row.fetchOne(db, sql: "SELECT * FROM models WHERE id = ?", arguments: [id.lowercased()]) else { return nil }
            let modelID: String = try model.decode(forColumn: "id")
            func tags(_ kind: String, _ id: String) throws -> [String] {
                try String.fetchAll(db, sql: """
                    SELECT g.name FROM tags g JOIN tag_resources l ON l.tag_id = g.id WHERE l.resource_id = ? AND l.resource_type = ? ORDER BY g.name
                    """, arguments: [id, kind])
            }
            let versions = try Row.fetchAll(db, sql: "SELECT * FROM model_versions WHERE model_id = ? ORDER BY number DESC LIMIT 100", arguments: [modelID])
            let summaries = try versions.map { row -> ModelVersionSummary in
                let id: String = try row.decode(forColumn: "id")
                let runs = try Row.fetchAll(db, sql: """
                    SELECT r.id, r.name FROM model_version_pipeline_runs l JOIN pipeline_runs r ON r.id = l.pipeline_run_id
                    WHERE l.model_version_id = ? ORDER BY r.created LIMIT 20
                    """, arguments: [id]).map { (id: try $0.decode(String.self, forColumn: "id"), name: try $0.decode(String.self, forColumn: "name")) }
                let artifacts = try Row.fetchAll(db, sql: """
                    SELECT v.id, a.name, v.version, v.type FROM model_version_artifacts l JOIN artifact_versions v ON v.id = l.artifact_version_id
                    JOIN artifacts a ON a.id = v.artifact_id WHERE l.model_version_id = ? ORDER BY a.name LIMIT 50
                    """, arguments: [id]).map {
                        (versionID: try $0.decode(String.self, forColumn: "id"), name: try $0.decode(String.self, forColumn: "name"),
                         version: try $0.decode(String.self, forColumn: "version"), type: try $0.decode(String.self, forColumn: "type"))
                    }
                return ModelVersionSummary(id: id, name: try row.decode(forColumn: "name"), number: try row.decode(forColumn: "number"),
                                           stage: try row.decode(forColumn: "stage"), created: try row.decode(forColumn: "created"),
                                           tags: try tags("model_version", id), runs: runs, artifacts: artifacts)
            }
            return ModelView(id: modelID, name: try model.decode(forColumn: "name"), description: try model.decode(forColumn: "description"),
                             license: try model.decode(forColumn: "license"), tags: try tags("model", modelID), versions: summaries)
        }
    }
}
