import PostgresNIO
import PostgresTesting
import Storage
import Testing

/// Migrations on a real PostgreSQL (the cluster `make test` starts): once however many
/// replicas start together, all or nothing, and never under a newer schema.
@Suite(.enabled(if: TestPostgres.enabled))
struct PostgresStoreTests {
    static let sets = [
        PostgresMigrationSet(module: "first", migrations: [
            .init("v1_counter", ["CREATE TABLE applied (what TEXT NOT NULL)", "INSERT INTO applied VALUES ('first.v1')"]),
            .init("v2_again", ["INSERT INTO applied VALUES ('first.v2')"]),
        ]),
        PostgresMigrationSet(module: "second", migrations: [.init("v1", ["INSERT INTO applied VALUES ('second.v1')"])]),
    ]

    func count(_ store: PostgresStore, _ sql: String) async throws -> Int {
        for try await n in try await store.client.query(PostgresQuery(unsafeSQL: sql)).decode(Int.self) { return n }
        return -1
    }

    @Test func replicasStartingTogetherApplyEachMigrationOnce() async throws {
        let database = try await TestPostgres.freshDatabase()
        let replicas = (0..<6).map { _ in database.anotherStore(maximumConnections: 2) }
        defer { replicas.forEach { $0.1.cancel() } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (store, _) in replicas { group.addTask { try await store.migrate(Self.sets) } }
            try await group.waitForAll()
        }
        #expect(try await count(database.store, "SELECT count(*)::BIGINT FROM applied") == 3)
        #expect(try await count(database.store, "SELECT count(*)::BIGINT FROM enclave_migrations") == 3)
        try await database.store.migrate(Self.sets)  // again: nothing to do
        #expect(try await count(database.store, "SELECT count(*)::BIGINT FROM applied") == 3)
        await database.drop()
    }

    @Test func aNewerSchemaIsRefusedAndAFailedMigrationLeavesNothing() async throws {
        let database = try await TestPostgres.freshDatabase()
        try await database.store.migrate(Self.sets)
        do {
            try await database.store.migrate([Self.sets[0]])
            Issue.record("a binary that knows fewer migrations ran against a newer schema")
        } catch let error as StorageError {
            #expect("\(error)".contains("newer Enclave") && "\(error)".contains("second.v1"))
        }
        let broken = Self.sets + [PostgresMigrationSet(module: "third", migrations: [
            .init("v1", ["CREATE TABLE third (x INT)"]), .init("v2", ["INSERT INTO no_such_table VALUES (1)"]),
        ])]
        await #expect(throws: (any Error).self) { try await database.store.migrate(broken) }
        #expect(try await count(database.store, "SELECT count(*)::BIGINT FROM enclave_migrations") == 3)
        #expect(try await count(database.store, "SELECT count(*)::BIGINT FROM information_schema.tables WHERE table_name = 'third'") == 0)
        await database.drop()
    }
}
