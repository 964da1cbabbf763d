import Identity
import PostgresNIO
import Storage

/// `PipelineCatalog` over PostgreSQL's control-plane tables (read-only), each answer from one snapshot.
public struct PostgresPipelineCatalog: PipelineCatalog {
    let store: PostgresStore
    /// Who started runs: Identity's to say, never its table's.
    let accounts: any AccountDirectory

    /// A catalog reading `store`, naming users through `identity`.
    public init(store: PostgresStore, identity: IdentityStore) {
        self.store = store
        accounts = identity
    }

    public func pipelines(page: Int, size: Int) async throws -> CatalogPage<PipelineSummary> {
        try await store.read { session in
            let total = try await session.value("SELECT COUNT(*) FROM pipelines", as: Int64.self) ?? 0
            let offset = Int64(CatalogPage<PipelineSummary>.offset(page: page, size: size))
            let rows = try await session.rows("""
                SELECT id, name, runs, latest_status, latest_at FROM (
                    SELECT p.id, p.name, p.created, (SELECT COUNT(*) FROM pipeline_runs r WHERE r.pipeline_id = p.id) AS runs,
                    (SELECT r.status FROM pipeline_runs r WHERE r.pipeline_id = p.id ORDER BY r.created COLLATE "C" DESC LIMIT 1) AS latest_status,
                    (SELECT r.created FROM pipeline_runs r WHERE r.pipeline_id = p.id ORDER BY r.created COLLATE "C" DESC LIMIT 1) AS latest_at
                    FROM pipelines p) AS listed
                ORDER BY COALESCE(latest_at, created) COLLATE "C" DESC, id COLLATE "C" LIMIT \(Int64(size)) OFFSET \(offset)
                """)
            let items = try rows.map { try CatalogRows.pipelineSummary(try StoredRow(postgres: $0)) }
            return CatalogPage(items: items, total: Int(total), page: page, size: size)
        }
    }

    public func pipelineName(id: String) async throws -> String? {
        try await store.read { session in try await session.value("SELECT name FROM pipelines WHERE id = \(id.lowercased())", as: String.self) }
    }

    public func snapshots(pipelineID: String) async throws -> [SnapshotView] {
        var statement = PostgresStatement()
        let sql = SnapshotViewQuery.sql(statement.bind(pipelineID.lowercased()))
        let query = statement.query(sql)
        return try await store.read { session in
            try await session.rows(query).map { row in
                let c = row.makeRandomAccess()
                return SnapshotView(id: try c["id"].decode(String.self), name: try c["name"].decode(String.self),
                                    stepConfigurations: try c["step_configurations"].decode(String.self),
                                    stackName: try c["stack_name"].decode(String?.self), stackLabels: try c["stack_labels"].decode(String?.self))
            }
        }
    }

    public func runs(pipelineID: String?, status: String?, page: Int, size: Int) async throws -> CatalogPage<RunSummary> {
        let found = try await store.read { session in
            let total = try await session.value("""
                SELECT COUNT(*) FROM pipeline_runs r WHERE (\(pipelineID)::text IS NULL OR r.pipeline_id = \(pipelineID))
                AND (\(status)::text IS NULL OR r.status = \(status))
                """, as: Int64.self) ?? 0
            let offset = Int64(CatalogPage<RunSummary>.offset(page: page, size: size))
            let rows = try await session.rows("""
                SELECT r.*, p.name AS pipeline_name FROM pipeline_runs r LEFT JOIN pipelines p ON p.id = r.pipeline_id
                WHERE (\(pipelineID)::text IS NULL OR r.pipeline_id = \(pipelineID)) AND (\(status)::text IS NULL OR r.status = \(status))
                ORDER BY r.created COLLATE "C" DESC, r.id COLLATE "C" LIMIT \(Int64(size)) OFFSET \(offset)
                """)
            var items: [RunSummary] = []
            for row in rows { items.append(try await Self.summary(try StoredRow(postgres: row), session)) }
            return CatalogPage(items: items, total: Int(total), page: page, size: size)
        }
        return CatalogPage(items: try await named(found.items), total: found.total, page: found.page, size: found.size)
    }

    public func run(id: String) async throws -> RunView? {
        let found = try await store.read { session -> RunView? in
            guard let row = try await session.row("""
                SELECT r.*, p.name AS pipeline_name FROM pipeline_runs r LEFT JOIN pipelines p ON p.id = r.pipeline_id WHERE r.id = \(id.lowercased())
                """) else { return nil }
            var steps: [StepView] = []
            for step in try await session.rows("""
                SELECT * FROM step_runs WHERE pipeline_run_id = \(id.lowercased()) ORDER BY start_time COLLATE "C", created COLLATE "C", id COLLATE "C"
                """) {
                steps.append(try await Self.step(try StoredRow(postgres: step), session))
            }
            return RunView(summary: try await Self.summary(row, session), steps: steps,
                           configuration: try row.decode(String?.self, forColumn: "config") ?? "{}",
                           metadata: try row.decode(String?.self, forColumn: "run_metadata") ?? "{}")
        }
        guard var view = found else { return nil }
        view.summary = try await named([view.summary]).first ?? view.summary
        return view
    }

    func named(_ runs: [RunSummary]) async throws -> [RunSummary] { try await accounts.naming(runs) }

    static func summary(_ row: StoredRow, _ session: PostgresSession) async throws -> RunSummary {
        let id: String = try row.decode(forColumn: "id")
        let tags = try await PostgresCatalogTags.names(of: id, kind: "pipeline_run", session)
        let versionID: String? = try row.decode(forColumn: "model_version_id")
        let version = try await session.row("""
            SELECT m.name AS model, v.name AS version FROM model_versions v JOIN models m ON m.id = v.model_id WHERE v.id = \(versionID)
            """)
        return try CatalogRows.runSummary(row, tags: tags, modelVersion: version)
    }

    static func step(_ row: StoredRow, _ session: PostgresSession) async throws -> StepView {
        let id: String = try row.decode(forColumn: "id")
        let parents = try await session.rows("SELECT parent_id FROM step_run_parents WHERE step_run_id = \(id) ORDER BY parent_id COLLATE \"C\"")
            .map { try $0.decode(String.self) }
        let artifacts = try await session.rows("""
            SELECT l.direction, l.name, v.id AS version_id, v.version, v.type, a.name AS artifact_name FROM step_run_artifacts l
            JOIN artifact_versions v ON v.id = l.artifact_version_id JOIN artifacts a ON a.id = v.artifact_id
            WHERE l.step_run_id = \(id) ORDER BY l.direction COLLATE "C", l.name COLLATE "C", l.position
            """).map(StoredRow.init(postgres:))
        return try CatalogRows.stepView(row, parents: parents, artifacts: artifacts)
    }
}

/// The names of the tags on one resource, by name, for the catalogs.
enum PostgresCatalogTags {
    static func names(of resourceID: String, kind: String, _ session: PostgresSession) async throws -> [String] {
        try await session.rows("""
            SELECT g.name FROM tags g JOIN tag_resources l ON l.tag_id = g.id WHERE l.resource_id = \(resourceID) AND l.resource_type = \(kind)
            ORDER BY g.name COLLATE "C"
            """).map { try $0.decode(String.self) }
    }
}
