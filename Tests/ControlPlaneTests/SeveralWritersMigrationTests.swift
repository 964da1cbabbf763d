import ControlPlane
import Foundation
import GRDB
import Identity
@_spi(SQLiteImplementation) import Storage
import Testing

/// `controlplane.v4_several_writers` over a database written before its constraints: the
/// duplicates one writer could never make but earlier code did not forbid are repaired, or
/// the migration is refused whole with a message saying what to do.
@Suite struct SeveralWritersMigrationTests {
    /// A database migrated up to, not including, v4, with `rows` inserted.
    func olderDatabase(_ rows: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("enclave-v3-\(UUID().uuidString).sqlite").path
        let before = MigrationSet(module: "controlplane", migrations: ControlPlaneMigrations.set.migrations.filter { $0.name != "v4_several_writers" })
        let store = try StateStore(path: path, migrationSets: [IdentityMigrations.set, before])
        try store.database.write { db in
            try db.execute(sql: """
                INSERT INTO projects (id, name, display_name, created, updated) VALUES ('p', 'default', 'default', 't', 't');
                INSERT INTO pipelines (id, project_id, name, created, updated) VALUES ('pl', 'p', 'pipe', 't', 't');
                INSERT INTO pipeline_snapshots (id, project_id, pipeline_id, run_name_template, pipeline_configuration, created, updated)
                    VALUES ('s', 'p', 'pl', 'r', '{}', 't', 't');
                """)
            try db.execute(sql: rows)
        }
        try store.database.close()
        return path
    }

    func open(_ path: String) throws -> StateStore {
        try StateStore(path: path, migrationSets: [IdentityMigrations.set, ControlPlaneMigrations.set])
    }

    @Test func duplicateNumbersAreRenumberedWithoutMovingTheFirst() throws {
        let path = try olderDatabase("""
            INSERT INTO pipeline_runs (id, project_id, name, pipeline_id, snapshot_id, status, run_index, created, updated) VALUES
                ('r1', 'p', 'a', 'pl', 's', 'completed', 1, '2026-01-01 00:00:01', 't'),
                ('r2', 'p', 'b', 'pl', 's', 'completed', 2, '2026-01-01 00:00:02', 't'),
                ('r3', 'p', 'c', 'pl', 's', 'completed', 2, '2026-01-01 00:00:03', 't');
            INSERT INTO step_runs (id, project_id, pipeline_run_id, name, status, version, created, updated) VALUES
                ('x1', 'p', 'r1', 'make', 'failed', 1, '2026-01-01 00:00:01', 't'),
                ('x2', 'p', 'r1', 'make', 'failed', 1, '2026-01-01 00:00:02', 't'),
                ('x3', 'p', 'r1', 'make', 'completed', 2, '2026-01-01 00:00:03', 't');
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try open(path)
        let runs = try store.database.read { db in try String.fetchAll(db, sql: "SELECT id || ':' || run_index FROM pipeline_runs ORDER BY id") }
        let steps = try store.database.read { db in try String.fetchAll(db, sql: "SELECT id || ':' || version FROM step_runs ORDER BY id") }
        #expect(runs == ["r1:1", "r2:2", "r3:3"])
        #expect(steps == ["x1:1", "x2:2", "x3:3"])
        #expect(try store.appliedMigrations().contains("controlplane.v4_several_writers"))
    }

    @Test func oneOrchestratorRunRecordedTwiceIsRefusedAndNothingChanges() throws {
        let path = try olderDatabase("""
            INSERT INTO pipeline_runs (id, project_id, name, pipeline_id, snapshot_id, status, run_index, orchestrator_run_id, created, updated) VALUES
                ('r1', 'p', 'a', 'pl', 's', 'completed', 1, 'o-1', 't', 't'),
                ('r2', 'p', 'b', 'pl', 's', 'completed', 1, 'o-1', 't', 't');
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try open(path)
            Issue.record("the migration was applied over two runs of one orchestrator run")
        } catch let error as StorageError {
            #expect("\(error)".contains("o-1") && "\(error)".contains("unchanged"))
        }
        // Refused whole: the renumbering before the refusal was rolled back with it.
        let older = MigrationSet(module: "controlplane", migrations: ControlPlaneMigrations.set.migrations.filter { $0.name != "v4_several_writers" })
        let store = try StateStore(path: path, migrationSets: [IdentityMigrations.set, older])
        let runs = try store.database.read { db in try String.fetchAll(db, sql: "SELECT id || ':' || run_index FROM pipeline_runs ORDER BY id") }
        #expect(runs == ["r1:1", "r2:1"])
    }
}
