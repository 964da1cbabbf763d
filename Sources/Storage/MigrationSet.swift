import GRDB

/// The named, append-only migrations one domain module owns for its own tables.
///
/// Each module declares one `MigrationSet`; the `StateStore` registers the sets in a
/// fixed order, so a migration's position never changes once it has shipped.
public struct MigrationSet: Sendable {
    /// One named migration: a schema change applied exactly once, in order.
    public struct Migration: Sendable {
        /// The stable name stored in `grdb_migrations`; never rename a shipped one.
        public let name: String
        let apply: @Sendable (GRDB.Database) throws -> Void

        /// Creates a migration that runs `apply` inside the migration's transaction.
        public init(_ name: String, apply: @escaping @Sendable (GRDB.Database) throws -> Void) {
            self.name = name
            self.apply = apply
        }
    }

    /// The module that owns these tables, used as the prefix of every migration name.
    public let module: String
    /// The migrations, oldest first. Append only.
    public let migrations: [Migration]

    /// Creates the migration set of `module`.
    public init(module: String, migrations: [Migration]) {
        self.module = module
        self.migrations = migrations
    }
}
