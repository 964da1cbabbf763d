/// The named, append-only migrations one module owns for its tables on PostgreSQL, written
/// for PostgreSQL (never SQLite DDL run through a translator). Identifiers are
/// `<module>.<name>` as in SQLite; the two sets of one module move in step.
public struct PostgresMigrationSet: Sendable {
    /// One named migration: statements applied exactly once, in order, in one transaction.
    public struct Migration: Sendable {
        /// The stable name stored in `enclave_migrations`; never rename a shipped one.
        public let name: String
        public let statements: [String]

        /// A migration of `statements`, run in order.
        public init(_ name: String, _ statements: [String]) {
            self.name = name
            self.statements = statements
        }
    }

    /// The module that owns these tables, the prefix of every migration's identifier.
    public let module: String
    /// The migrations, oldest first. Append only.
    public let migrations: [Migration]

    /// The migration set of `module`.
    public init(module: String, migrations: [Migration]) {
        self.module = module
        self.migrations = migrations
    }
}
