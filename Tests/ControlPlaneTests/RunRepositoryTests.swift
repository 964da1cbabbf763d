@testable import ControlPlane
import Foundation
import GRDB
import Identity
@_spi(SQLiteImplementation) import Storage
import Testing

/// `RunRepository` over two writers: the server's WAL pool on a file and an in-memory
/// queue. The same rules hold on both: placeholders are claimed by the orchestrator's run,
/// one orchestrator run is one run, indexes and attempts are never handed out twice, and
/// steps drive the run's status.
@Suite struct RunRepositoryTests {
    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case file, memory
        var testDescription: String { rawValue }
    }

    static let sets = [IdentityMigrations.set, ControlPlaneMigrations.set]

    /// A writer of `backend` holding a project, a pipeline and a one-step snapshot.
    func writer(_ backend: Backend) throws -> (any DatabaseWriter, String) {
        let writer: any DatabaseWriter
        var folder = ""
        switch backend {
        case .memory:
            writer = try StateStore.inMemory(migrationSets: Self.sets).database
        case .file:
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("enclave-runs-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            writer = try StateStore(path: folder + "/enclave.sqlite", migrationSets: Self.sets).database
        }
        let steps = #"{"make":{"spec":{"source":{"module":"s","attribute":"make","type":"user"},"upstream_steps":[]},"config":{"name":"make"}}}"#
        try writer.write { db in
            try db.execute(sql: """
                INSERT INTO projects (id, name, display_name, created, updated) VALUES ('p', 'default', 'default', 't', 't');
                INSERT INTO pipelines (id, project_id, name, created, updated) VALUES ('pl', 'p', 'pipe', 't', 't');
                INSERT INTO pipeline_snapshots (id, project_id, pipeline_id, run_name_template, pipeline_configuration, step_configurations, created, updated)
                    VALUES ('s', 'p', 'pl', 'r', '{"name":"pipe"}', ?, 't', 't');
                """, arguments: [steps])
        }
        return (writer, folder)
    }

    func draft(_ name: String, orchestrator: String? = nil, status: String = "initializing") -> RunDraft {
        RunDraft(project: "default", name: name, snapshotID: "s", orchestratorRunID: orchestrator, status: status,
                 startTime: "2026-12-01T10:00:00", endTime: nil, orchestratorEnvironment: [:], triggerInfo: nil, exceptionInfo: nil,
                 statusReason: nil, logsID: nil, tags: [], userID: nil)
    }

    func step(_ runID: String, status: String) -> StepRunDraft {
        StepRunDraft(runID: runID, name: "make", status: status, startTime: "2026-12-01T10:00:01", endTime: nil, cacheKey: nil,
                     cacheExpiresAt: nil, codeHash: nil, docstring: nil, sourceCode: nil, originalStepRunID: nil, exceptionInfo: nil,
                     dynamicConfig: nil, parentIDs: [], inputs: [], outputs: [], logsID: nil, userID: nil)
    }

    @Test(arguments: Backend.allCases) func theRunRulesHoldOnEveryWriter(_ backend: Backend) async throws {
        let (writer, folder) = try writer(backend)
        defer { if !folder.isEmpty { try? FileManager.default.removeItem(atPath: folder) } }
        let runs = SQLiteRunRepository(writer: writer)

        let placeholder = try await runs.createRun(draft("first"))
        #expect(placeholder.created)
        let claimed = try await runs.createRun(draft("other-name", orchestrator: "o-1", status: "running"))
        #expect(claimed.id == placeholder.id && claimed.created)
        let again = try await runs.createRun(draft("other-name", orchestrator: "o-1", status: "running"))
        #expect(again.id == placeholder.id && !again.created)
        await #expect(throws: ControlPlaneError.self) { try await runs.createRun(draft("first")) }

        let made = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<8 { group.addTask { try await runs.createRun(draft("r\(i)")).id } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let indexes = try await writer.read { db in
            try Int.fetchAll(db, sql: "SELECT run_index FROM pipeline_runs WHERE id IN (\(made.map { "'\($0)'" }.joined(separator: ",")))")
        }
        #expect(indexes.sorted() == Array(2...9))

        let attempts = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<6 { group.addTask { try await runs.createStep(step(placeholder.id, status: "running")) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let versions = try await writer.read { db in
            try Int.fetchAll(db, sql: "SELECT version FROM step_runs WHERE pipeline_run_id = ? ORDER BY version", arguments: [placeholder.id])
        }
        #expect(versions == Array(1...6))
        for attempt in attempts { try await runs.updateStep(id: attempt, StepRunChange(status: "completed", outputs: [], userID: nil)) }
        let status = try await writer.read { db in try String.fetchOne(db, sql: "SELECT status FROM pipeline_runs WHERE id = ?", arguments: [placeholder.id]) }
        #expect(status == "completed")
        await #expect(throws: ControlPlaneError.self) {
            try await runs.updateStep(id: attempts[0], StepRunChange(status: "running", outputs: [], userID: nil))
        }

        try await runs.deleteRun(id: placeholder.id)
        await #expect(throws: ControlPlaneError.self) { try await runs.deleteRun(id: placeholder.id) }
        let left = try await writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM step_runs") }
        #expect(left == 0)
    }
}
