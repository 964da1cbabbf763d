import Foundation
@testable import Identity
import PostgresTesting
import Storage

/// One fresh identity database for one test, on one engine, and identity stores over it as
/// one server (SQLite) or as several replicas (PostgreSQL) open it.
final class IdentityDatabase: EngineFixture {
    let engine: TestEngine
    let path: String
    let postgres: TestDatabase?
    let sqlite: StateStore?

    private init(engine: TestEngine, path: String, sqlite: StateStore?, postgres: TestDatabase?) {
        self.engine = engine; self.path = path; self.sqlite = sqlite; self.postgres = postgres
    }

    /// A fresh, migrated database on `engine`.
    static func open(_ engine: TestEngine) async throws -> Self {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("identity-\(UUID().uuidString).sqlite").path
        switch engine {
        case .sqlite:
            return Self(engine: engine, path: path, sqlite: try StateStore(path: path, migrationSets: [IdentityMigrations.set]), postgres: nil)
        case .postgres:
            let database = try await TestPostgres.freshDatabase()
            try await database.store.migrate([IdentityMigrations.postgres])
            return Self(engine: engine, path: path, sqlite: nil, postgres: database)
        }
    }

    func close() async {
        await postgres?.drop()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// An identity store over this database (a cheap bcrypt cost, as tests need no strength).
    func identity(sessionLifetime: Int = 3600) async throws -> IdentityStore {
        if let sqlite { return try IdentityStore(store: sqlite, hasher: PasswordHasher(cost: 4), sessionLifetime: sessionLifetime) }
        guard let postgres else { throw IdentityError.damaged("no database") }
        return try await IdentityStore.open(repository: PostgresIdentityRepository(store: postgres.store), hasher: PasswordHasher(cost: 4),
                                            sessionLifetime: sessionLifetime)
    }

    /// The identity store another replica opens on its own pool (PostgreSQL only).
    func replica() async throws -> (IdentityStore, Task<Void, Never>)? {
        guard let postgres else { return nil }
        let (store, running) = postgres.anotherStore()
        let identity = try await IdentityStore.open(repository: PostgresIdentityRepository(store: store), hasher: PasswordHasher(cost: 4))
        return (identity, running)
    }
}
