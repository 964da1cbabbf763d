@testable import ControlPlane
import Foundation
import GRDB
import Identity
import PostgresNIO
import PostgresTesting
@_spi(SQLiteImplementation) import Storage
import Testing

/// The control plane's read side on each engine over the same rows: every list answers the
/// same pages (filters, ZenML's case-blind `contains`, orders by the bytes of text, the
/// project scope, paging) with the same relations (tags, latest runs, stacks' components),
/// so a replica on PostgreSQL shows what the single SQLite process shows.
@Suite struct ResourceReaderEngineTests {
    /// Rows written in SQL both engines take.
    static let rows = [
        "INSERT INTO projects (id, name, display_name, created, updated) VALUES ('p1', 'default', 'default', '2026-12-01T09:00:00.000000', '2026-12-01T09:00:00.000000')",
        "INSERT INTO projects (id, name, display_name, created, updated) VALUES ('p2', 'other', 'other', '2026-12-01T09:00:00.000000', '2026-12-01T09:00:00.000000')",
        """
        INSERT INTO pipelines (id, project_id, name, created, updated) VALUES
            ('a1', 'p1', 'alpha', '2026-12-01T10:00:01.000000', '2026-12-01T10:00:01.000000'),
            ('b2', 'p1', 'Beta', '2026-12-01T10:00:02.000000', '2026-12-01T10:00:02.000000'),
            ('c3', 'p1', 'gamma', '2026-12-01T10:00:03.000000', '2026-12-01T10:00:03.000000'),
            ('d4', 'p2', 'delta', '2026-12-01T10:00:04.000000', '2026-12-01T10:00:04.000000')
        """,
        """
        INSERT INTO pipeline_snapshots (id, project_id, pipeline_id, run_name_template, pipeline_configuration, is_dynamic, created, updated) VALUES
            ('s1', 'p1', 'a1', 'run', '{"name": "alpha"}', FALSE, '2026-12-01T10:01:00.000000', '2026-12-01T10:01:00.000000')
        """,
        """
        INSERT INTO pipeline_runs (id, project_id, name, pipeline_id, snapshot_id, status, run_index, created, updated) VALUES
            ('r1', 'p1', 'first', 'a1', 's1', 'completed', 1, '2026-12-01T11:00:00.000000', '2026-12-01T11:00:00.000000'),
            ('r2', 'p1', 'second', 'a1', 's1', 'running', 2, '2026-12-01T12:00:00.000000', '2026-12-01T12:00:00.000000'),
            ('r3', 'p1', 'third', 'c3', NULL, 'failed', 1, '2026-12-01T13:00:00.000000', '2026-12-01T13:00:00.000000')
        """,
        """
        INSERT INTO tags (id, name, color, exclusive, created, updated) VALUES
            ('t1', 'shared', 'blue', FALSE, '2026-12-01T09:00:00.000000', '2026-12-01T09:00:00.000000'),
            ('t2', 'Nightly', 'red', TRUE, '2026-12-01T09:00:00.000000', '2026-12-01T09:00:00.000000')
        """,
        """
        INSERT INTO tag_resources (id, tag_id, resource_id, resource_type, created, updated) VALUES
            ('l1', 't1', 'a1', 'pipeline', '2026-12-01T09:00:00.000000', '2026-12-01T09:00:00.000000'),
            ('l2', 't2', 'a1', 'pipeline', '2026-12-01T09:00:00.000000', '2026-12-01T09:00:00.000000'),
            ('l3', 't1', 'c3', 'pipeline', '2026-12-01T09:00:00.000000', '2026-12-01T09:00:00.000000'),
            ('l4', 't1', 'r2', 'pipeline_run', '2026-12-01T09:00:00.000000', '2026-12-01T09:00:00.000000')
        """,
        """
        INSERT INTO flavors (id, name, type, display_name, source, integration, config_schema, is_custom, created, updated) VALUES
            ('f1', 'local', 'orchestrator', 'Local', 'zenml.Local', 'built-in', '{}', FALSE, '2026-12-01T09:00:00.000000', '2026-12-01T09:00:00.000000'),
            ('f2', 'local', 'artifact_store', 'Local', 'zenml.LocalStore', 'built-in', '{}', FALSE, '2026-12-01T09:00:00.000000', '2026-12-01T09:00:00.000000')
        """,
        """
        INSERT INTO stack_components (id, name, type, flavor, created, updated) VALUES
            ('k1', 'default', 'orchestrator', 'local', '2026-12-01T09:00:00.000000', '2026-12-01T09:00:00.000000'),
            ('k2', 'default', 'artifact_store', 'local', '2026-12-01T09:00:01.000000', '2026-12-01T09:00:01.000000')
        """,
        "INSERT INTO stacks (id, name, created, updated) VALUES ('st', 'default', '2026-12-01T09:00:00.000000', '2026-12-01T09:00:00.000000')",
        "INSERT INTO stack_composition (stack_id, component_id) VALUES ('st', 'k1'), ('st', 'k2')",
    ]

    /// The same pages on SQLite and on PostgreSQL, each page as its JSON text.
    func pages(_ reader: any ResourceReader) async throws -> [String] {
        func page(_ items: [(String, String)], _ schema: ResourceSchema) async throws -> String {
            let query = try ListQuery(items, schema: schema)
            let value: JSONValue
            switch schema.table {
            case "pipelines": value = try await reader.page(query, schema: schema) { try $0.pipeline($1, detail: $2) }
            case "pipeline_runs": value = try await reader.page(query, schema: schema) { try $0.run($1, detail: $2) }
            default: value = try await reader.page(query, schema: schema) { try $0.stack($1, detail: $2) }
            }
            return value.text
        }
        var answers = [
            try await page([("project", "default")], .pipelines),
            try await page([("project", "default"), ("sort_by", "asc:name")], .pipelines),
            try await page([("name", "contains:ALP")], .pipelines),
            try await page([("tags", "startswith:night")], .pipelines),
            try await page([("tags", "isnull:")], .pipelines),
            try await page([("latest_run_status", "running"), ("logical_operator", "or"), ("name", "delta")], .pipelines),
            try await page([("sort_by", "desc:created"), ("size", "2"), ("page", "2")], .pipelines),
            try await page([("project", "default"), ("hydrate", "true")], .pipelineRuns),
            try await page([("pipeline_name", "startswith:al"), ("in_progress", "true")], .pipelineRuns),
            try await page([("index", "gte:2")], .pipelineRuns),
            try await page([("tags", "shared")], .pipelineRuns),
            try await page([("hydrate", "true")], .stacks),
        ]
        let records = try await reader.records(["C3", "a1"], noun: "pipeline", detail: .full) { try $0.pipeline($1, detail: $2) }
        answers.append(JSONValue.array(records).text)
        await #expect(throws: ControlPlaneError.self) {
            _ = try await reader.records(["nope"], noun: "pipeline", detail: .full) { try $0.pipeline($1, detail: $2) }
        }
        await #expect(throws: ControlPlaneError.self) { _ = try await page([("project", "missing")], .pipelines) }
        return answers
    }

    @Test(.enabled(if: TestPostgres.enabled)) func bothEnginesAnswerTheSamePages() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reader-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let sqlite = try StateStore(path: folder + "/enclave.sqlite", migrationSets: [IdentityMigrations.set, ControlPlaneMigrations.set])
        let identity = try IdentityStore(store: sqlite, hasher: PasswordHasher(cost: 4))
        try await sqlite.database.write { db in for statement in Self.rows { try db.execute(sql: statement) } }
        let postgres = try await TestPostgres.freshDatabase()
        do {
            try await postgres.store.migrate([ControlPlaneMigrations.postgres])
            for statement in Self.rows { _ = try await postgres.store.rows(PostgresQuery(unsafeSQL: statement)) }
            let onSQLite = try await pages(SQLiteResourceReader(reader: sqlite.database, accounts: identity))
            let onPostgres = try await pages(PostgresResourceReader(store: postgres.store, accounts: identity))
            for (index, (expected, answer)) in zip(onSQLite, onPostgres).enumerated() {
                #expect(answer == expected, "page \(index)")
            }
            // What the pages hold, so both engines cannot agree on a wrong answer.
            func names(_ text: String) throws -> [String] {
                let page = try JSONValue.parse(Data(text.utf8))
                return (page["items"]?.arrayValue ?? page.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
            }
            #expect(try names(onSQLite[0]) == ["alpha", "Beta", "gamma"])
            #expect(try names(onSQLite[1]) == ["Beta", "alpha", "gamma"])
            #expect(try names(onSQLite[2]) == ["alpha"])
            #expect(try names(onSQLite[3]) == ["alpha"])
            #expect(try names(onSQLite[4]) == ["Beta", "delta"])
            #expect(try names(onSQLite[5]) == ["alpha", "delta"])
            #expect(try names(onSQLite[6]) == ["Beta", "alpha"])
            #expect(try names(onSQLite[7]) == ["first", "second", "third"])
            #expect(try names(onSQLite[8]) == ["second"])
            #expect(try names(onSQLite[9]) == ["second"])
            #expect(try names(onSQLite[10]) == ["second"])
            #expect(try names(onSQLite[12]) == ["gamma", "alpha"])
            #expect(onSQLite[0].contains("Nightly") && onSQLite[11].contains("artifact_store"))
        } catch {
            await postgres.drop()
            throw error
        }
        await postgres.drop()
    }
}
