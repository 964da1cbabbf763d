import Foundation
import GRDB

/// The one SQLite file that holds Enclave's state, in WAL mode.
///
/// Domain modules' SQLite implementations read and write through `database`; each module
/// touches only the tables its own `MigrationSet` created. Handlers and renderers never see it.
public final class StateStore: Sendable {
    /// The file's GRDB pool (one writer, concurrent readers, WAL), or an in-memory queue.
    /// Reachable only by files that `@_spi(SQLiteImplementation) import Storage`: the SQLite
    /// implementations of each module's repositories, so the compiler keeps handlers off it.
    @_spi(SQLiteImplementation) public let database: any DatabaseWriter
    /// Path of the SQLite file.
    public let path: String
    /// Statements executed on this file since it was opened, on every connection: what
    /// `/metrics` reports and the tests use to hold a page's query count flat.
    public let statements: StatementCounter

    /// Opens (creating if needed) the database at `path` and applies `migrationSets` in order.
    ///
    /// Throws `StorageError.schemaNewerThanBinary` when the file carries migrations
    /// this binary does not know.
    public init(path: String, migrationSets: [MigrationSet]) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let counter = StatementCounter()
        statements = counter
        configuration.prepareDatabase { db in
            db.trace(options: .statement) { _ in counter.increment() }
            // WAL + NORMAL: a committed transaction survives a killed process;
            // FULL would also survive power loss at one fsync per commit.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            // 8 MiB of pages per connection (SQLite's default is 2): a page of hydrated runs
            // reads their configurations' overflow pages, which otherwise come from the kernel
            // on every request.
            try db.execute(sql: "PRAGMA cache_size = -8192")
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StorageError.cannotOpen(path: path, reason: "\(error)")
        }
        database = pool
        self.path = path
        try Self.migrate(pool, path: path, sets: migrationSets)
    }

    private init(database: any DatabaseWriter, path: String, statements: StatementCounter) {
        self.database = database
        self.path = path
        self.statements = statements
    }

    /// An in-memory database with `migrationSets` applied: the same schema and SQL as the
    /// file, nothing on disk, one connection. Tests run the repositories and the HTTP
    /// handlers over it as well as over a file, so the storage seam has two implementations.
    public static func inMemory(migrationSets: [MigrationSet]) throws -> StateStore {
        var configuration = Configuration()
        let counter = StatementCounter()
        configuration.prepareDatabase { db in
            db.trace(options: .statement) { _ in counter.increment() }
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        let queue = try DatabaseQueue(configuration: configuration)
        try migrate(queue, path: ":memory:", sets: migrationSets)
        return StateStore(database: queue, path: ":memory:", statements: counter)
    }

    static func migrate(_ pool: any DatabaseWriter, path: String, sets: [MigrationSet]) throws {
        var migrator = DatabaseMigrator()
        for set in sets {
            for migration in set.migrations {
                migrator.registerMigration("\(set.module).\(migration.name)", migrate: migration.apply)
            }
        }
        let known = Set(migrator.migrations)
        let applied = try pool.read { db in try migrator.appliedIdentifiers(db) }
        let unknown = applied.subtracting(known).sorted()
        if !unknown.isEmpty {
            throw StorageError.schemaNewerThanBinary(path: path, unknownMigrations: unknown)
        }
        try migrator.migrate(pool)
    }

    /// Names of the migrations applied to this file, in order (for diagnostics and tests).
    public func appliedMigrations() throws -> [String] {
        try database.read { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
        }
    }
}
