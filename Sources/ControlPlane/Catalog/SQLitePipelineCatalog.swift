import GRDB
import Identity
@_spi(SQLiteImplementation) import Storage

/// `PipelineCatalog` over the control plane's tables (read-only).
public struct SQLitePipelineCatalog: PipelineCatalog {
    let store: StateStore
    /// Who started runs: Identity's to say, never its table's.
    let accounts: any AccountDirectory

    /// A catalog reading `store`, naming users through `identity`.
    public init(store: StateStore, identity: IdentityStore) {
        self.store = store
        accounts = identity
    }

    func named(_ runs: [RunSummary]) async throws -> [RunSummary] { try await accounts.naming(runs) }

    public func pipelines(page: Int, size: Int) async throws -> CatalogPage<PipelineSummary> {
        try await store.database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM pipelines") ?? 0
            let rows = try Row.fetchAll(db, sql: """
                SELECT p.id, p.name, (SELECT COUNT(*) FROM pipeline_runs r WHERE r.pipeline_id = p.id) AS runs,
                (SELECT r.status FROM pipeline_runs r WHERE r.pipeline_id = p.id ORDER BY r.created DESC LIMIT 1) AS latest_status,
                (SELECT r.created FROM pipeline_runs r WHERE r.pipeline_id = p.id ORDER BY r.created DESC LIMIT 1) AS latest_at
                FROM pipelines p ORDER BY COALESCE(latest_at, p.created) DESC, p.id LIMIT ? OFFSET ?
                """, arguments: [size, CatalogPage<PipelineSummary>.offset(page: page, size: size)])
            let items = try rows.map { try CatalogRows.pipelineSummary(StoredRow($0)) }
            return CatalogPage(items: items, total: total, page: page, size: size)
        }
    }

    public func pipelineName(id: String) async throws -> String? {
        try await store.database.read { db in try String.fetchOne(db, sql: "SELECT name FROM pipelines WHERE id = ?", arguments: [id.lowercased()]) }
    }

    public func snapshots(pipelineID: String) async throws -> [SnapshotView] {
        try await store.database.read { db in
            try Row.fetchAll(db, sql: SnapshotViewQuery.sql("?"), arguments: [pipelineID.lowercased()]).map { row in
                SnapshotView(id: try row.decode(forColumn: "id"), name: try row.decode(forColumn: "name"),
                             stepConfigurations: try row.decode(forColumn: "step_configurations"),
                             stackName: try row.decode(forColumn: "stack_name"), stackLabels: try row.decode(forColumn: "stack_labels"))
            }
        }
    }

    public func runs(pipelineID: String?, status: String?, page: Int, size: Int) async throws -> CatalogPage<RunSummary> {
        let page = try await store.database.read { db in
            var conditions: [String] = [], arguments: [DatabaseValueConvertible] = []
            if let pipelineID { conditions.append("r.pipeline_id = ?"); arguments.append(pipelineID) }
            if let status { conditions.append("r.status = ?"); arguments.append(status) }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM pipeline_runs r \(filter)", arguments: StatementArguments(arguments)) ?? 0
            let rows = try Row.fetchAll(db, sql: """
                SELECT r.*, p.name AS pipeline_name FROM pipeline_runs r LEFT JOIN pipelines p ON p.id = r.pipeline_id
                \(filter) ORDER BY r.created DESC, r.id LIMIT ? OFFSET ?
                """, arguments: StatementArguments(arguments + [size, CatalogPage<RunSummary>.offset(page: page, size: size)]))
            return CatalogPage(items: try rows.map { try Self.summary($0, db: db) }, total: total, page: page, size: size)
        }
        return CatalogPage(items: try await named(page.items), total: page.total, page: page.page, size: page.size)
    }

    public func run(id: String) async throws -> RunView? {
        let found = try await store.database.read { db -> RunView? in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT r.*, p.name AS pipeline_name FROM pipeline_runs r LEFT JOIN pipelines p ON p.id = r.pipeline_id WHERE r.id = ?
                """, arguments: [id.lowercased()]) else { return nil }
            let steps = try Row.fetchAll(db, sql: "SELECT * FROM step_runs WHERE pipeline_run_id = ? ORDER BY start_time, created, id",
                                         arguments: [id.lowercased()])
            return RunView(summary: try Self.summary(row, db: db), steps: try steps.map { try Self.step($0, db: db) },
                           configuration: try row.decode(String?.self, forColumn: "config") ?? "{}",
                           metadata: try row.decode(String?.self, forColumn: "run_metadata") ?? "{}")
        }
        guard var view = found else { return nil }
        view.summary = try await named([view.summary]).first ?? view.summary
        return view
    }

    static func summary(_ row: Row, db: GRDB.Database) throws -> RunSummary {
        let id: String = try row.decode(forColumn: "id")
        let tags = try String.fetchAll(db, sql: """
            SELECT g.name FROM tags g JOIN tag_resources l ON l.tag_id = g.id WHERE l.resource_id = ? AND l.resource_type = 'pipeline_run' ORDER BY g.name
            """, arguments: [id])
        let version = try Row.fetchOne(db, sql: """
            SELECT m.name AS model, v.name AS version FROM model_versions v JOIN models m ON m.id = v.model_id WHERE v.id = ?
            """, arguments: [try row.decode(String?.self, forColumn: "model_version_id")])
        return try CatalogRows.runSummary(StoredRow(row), tags: tags, modelVersion: version.map(StoredRow.init))
    }

    static func step(_ row: Row, db: GRDB.Database) throws -> StepView {
        let id: String = try row.decode(forColumn: "id")
        let parents = try String.fetchAll(db, sql: "SELECT parent_id FROM step_run_parents WHERE step_run_id = ? ORDER BY parent_id", arguments: [id])
        let artifacts = try Row.fetchAll(db, sql: """
            SELECT l.direction, l.name, v.id AS version_id, v.version, v.type, a.name AS artifact_name FROM step_run_artifacts l
            JOIN artifact_versions v ON v.id = l.artifact_version_id JOIN artifacts a ON a.id = v.artifact_id
            WHERE l.step_run_id = ? ORDER BY l.direction, l.name, l.position
            """, arguments: [id])
        return try CatalogRows.stepView(StoredRow(row), parents: parents, artifacts: artifacts.map(StoredRow.init))
    }
}
