/// Failures opening or migrating the database; each one says what to do about it.
public enum StorageError: Error, CustomStringConvertible {
    /// The file was migrated by a newer Enclave than this binary; refusing to run avoids a silent downgrade.
    case schemaNewerThanBinary(path: String, unknownMigrations: [String])
    /// The data directory or database file could not be opened.
    case cannotOpen(path: String, reason: String)
    /// A migration found data it cannot carry forward by itself; nothing of it was applied.
    case cannotMigrate(migration: String, reason: String)

    public var description: String {
        switch self {
        case let .schemaNewerThanBinary(path, unknown):
            return "database \(path) was migrated by a newer Enclave (unknown migrations: \(unknown.joined(separator: ", "))); run that version or restore a backup"
        case let .cannotOpen(path, reason):
            return "cannot open database \(path): \(reason)"
        case let .cannotMigrate(migration, reason):
            return "migration \(migration) was not applied (the database is unchanged): \(reason)"
        }
    }
}
