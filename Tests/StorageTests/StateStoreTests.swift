import Foundation
import GRDB
@_spi(SQLiteImplementation) @testable import Storage
import Testing

@Suite struct StateStoreTests {
    func path() -> String { FileManager.default.temporaryDirectory.appendingPathComponent("state-\(UUID().uuidString).sqlite").path }

    let v1 = MigrationSet(module: "demo", migrations: [.init("v1") { db in try db.execute(sql: "CREATE TABLE demo (id TEXT)") }])

    @Test func appliesMigrationsOnceInWALMode() throws {
        let file = path()
        let store = try StateStore(path: file, migrationSets: [v1])
        #expect(try store.appliedMigrations() == ["demo.v1"])
        #expect(try store.database.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
        _ = try StateStore(path: file, migrationSets: [v1])
    }

    @Test func refusesADatabaseFromANewerBinary() throws {
        let file = path()
        let v2 = MigrationSet(module: "demo", migrations: v1.migrations + [.init("v2") { db in try db.execute(sql: "ALTER TABLE demo ADD COLUMN x") }])
        _ = try StateStore(path: file, migrationSets: [v2])
        #expect(throws: StorageError.self) { try StateStore(path: file, migrationSets: [v1]) }
    }

    @Test func timestampsRoundTripInZenMLsForm() throws {
        #expect(Timestamp.normalize("2026-11-26T18:06:12.449768") == "2026-11-26T18:06:12.449768")
        #expect(Timestamp.normalize("2026-11-26T20:06:12+02:00") == "2026-11-26T18:06:12.000000")
        #expect(Timestamp.normalize("2026-11-26 18:06:12") == "2026-11-26T18:06:12.000000")
        #expect(Timestamp.normalize("2026-11-26T18:06:12.5Z") == "2026-11-26T18:06:12.500000")
        #expect(Timestamp.normalize("2024-02-29T23:59:59.999999") == "2024-02-29T23:59:59.999999")
        #expect(Timestamp.normalize("1969-12-31T23:59:58.25") == "1969-12-31T23:59:58.250000")
        #expect(Timestamp.normalize("2000-03-01") == "2000-03-01T00:00:00.000000")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000000")
        for bad in ["", "yesterday", "2026-13-01", "2026-02-30T00:00:00", "2023-02-29", "2026-04-31", "2026-11-26T25:00:00", "2026-11-26T18:06:12x"] {
            #expect(Timestamp.normalize(bad) == nil, "\(bad)")
        }
    }

    @Test func namesRefuseControlCharacters() {
        #expect(EntityName.problem(with: "mini_pipeline::make_int::output") == nil)
        #expect(EntityName.problem(with: "a\nb") != nil)
        #expect(EntityName.problem(with: "a\u{7}b") != nil)
        #expect(EntityName.problem(with: "") != nil)
        #expect(EntityName.problem(with: String(repeating: "x", count: 256)) != nil)
    }
}
