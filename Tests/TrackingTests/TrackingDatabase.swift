import Foundation
import PostgresTesting
import Storage
@testable import Tracking

/// One fresh Tracking database for one test, on one engine, with its experiment, run,
/// logged-model, registry and trace repositories; on PostgreSQL also those another replica
/// opens on its own pool.
final class TrackingDatabase: EngineFixture {
    let engine: TestEngine
    let folder: String
    let postgres: TestDatabase?
    let experiments: any ExperimentRepository
    let runs: any RunRepository
    let loggedModels: any LoggedModelRepository
    let registry: any ModelRegistryRepository
    let traces: any TraceRepository

    private init(engine: TestEngine, folder: String, postgres: TestDatabase?, experiments: any ExperimentRepository, runs: any RunRepository,
                 loggedModels: any LoggedModelRepository, registry: any ModelRegistryRepository, traces: any TraceRepository) {
        self.engine = engine; self.folder = folder; self.postgres = postgres; self.experiments = experiments; self.runs = runs
        self.loggedModels = loggedModels; self.registry = registry; self.traces = traces
    }

    /// A fresh, migrated database on `engine`.
    static func open(_ engine: TestEngine) async throws -> Self {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tracking-\(UUID().uuidString)").path
        switch engine {
        case .sqlite:
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let store = try StateStore(path: folder + "/enclave.sqlite", migrationSets: [TrackingMigrations.set])
            return Self(engine: engine, folder: folder, postgres: nil, experiments: SQLiteExperimentRepository(store: store),
                        runs: SQLiteRunRepository(store: store), loggedModels: SQLiteLoggedModelRepository(store: store),
                        registry: SQLiteModelRegistryRepository(store: store), traces: SQLiteTraceRepository(store: store))
        case .postgres:
            let database = try await TestPostgres.freshDatabase()
            try await database.store.migrate([TrackingMigrations.postgres])
            return Self(engine: engine, folder: folder, postgres: database, experiments: PostgresExperimentRepository(store: database.store),
                        runs: PostgresRunRepository(store: database.store), loggedModels: PostgresLoggedModelRepository(store: database.store),
                        registry: PostgresModelRegistryRepository(store: database.store), traces: PostgresTraceRepository(store: database.store))
        }
    }

    func close() async {
        await postgres?.drop()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// The repositories a second replica opens on its own pool (PostgreSQL only).
    func replica() -> Replica? {
        guard let postgres else { return nil }
        let (store, running) = postgres.anotherStore()
        return Replica(experiments: PostgresExperimentRepository(store: store), runs: PostgresRunRepository(store: store),
                       registry: PostgresModelRegistryRepository(store: store), running: running)
    }

    /// What another replica's repositories are, with the task keeping its pool open.
    struct Replica {
        let experiments: any ExperimentRepository
        let runs: any RunRepository
        let registry: any ModelRegistryRepository
        let running: Task<Void, Never>
    }
}
