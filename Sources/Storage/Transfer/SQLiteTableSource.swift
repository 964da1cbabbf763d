import GRDB

/// A SQLite state file opened read-only, as the source `enclave migrate` copies: nothing
/// in it is written, and it is not migrated (a file an older binary left must be brought up
/// to date by starting this version on it first).
public final class SQLiteTableSource: Sendable {
    private let queue: DatabaseQueue
    /// Path of the file.
    public let path: String

    /// Opens the file at `path` for reading only.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            _ = try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
        } catch {
            throw StorageError.cannotOpen(path: path, reason: "\(error)")
        }
        self.path = path
    }

    /// The identifiers of the migrations applied to the file.
    public func appliedMigrations() throws -> Set<String> {
        try queue.read { db in
            guard try db.tableExists("grdb_migrations") else { return [] }
            return Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"))
        }
    }

    /// The file's own tables (not SQLite's nor the migrator's), by name, with their columns.
    public func tables() throws -> [String: [String]] {
        try queue.read { db in
            let names = try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'
                """)
            var tables: [String: [String]] = [:]
            for name in names { tables[name] = try db.columns(in: name).map(\.name) }
            return tables
        }
    }

    /// The number of rows in `table`.
    public func count(_ table: String) throws -> Int {
        try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.quotedIdentifier)") ?? 0 }
    }

    /// Up to `limit` rows of `table` after the row `after` (from the start when nil), in the
    /// order they were written, with the key to ask for the next page (nil after the last).
    public func page(_ table: String, columns: [String], after key: Int64?, limit: Int) throws -> (rows: [[StoredValue]], next: Int64?) {
        try queue.read { db in
            let list = columns.map(\.quotedIdentifier).joined(separator: ", ")
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT rowid, \(list) FROM \(table.quotedIdentifier) WHERE rowid > ? ORDER BY rowid LIMIT ?
                """, arguments: [key ?? Int64.min, limit])
            var rows: [[StoredValue]] = []
            var last: Int64?
            while let row = try cursor.next() {
                last = row[0] as Int64?
                rows.append((1...columns.count).map { index in StoredValue(sqlite: row[index] as DatabaseValue) })
            }
            return (rows, rows.count < limit ? nil : last)
        }
    }
}

extension StoredValue {
    /// A SQLite cell as read, whatever its column's declared type.
    init(sqlite value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case let .int64(number): self = .integer(number)
        case let .double(number): self = .real(number)
        case let .string(text): self = .text(text)
        case let .blob(data): self = .blob(Array(data))
        }
    }
}

extension String {
    /// The name as a double-quoted SQL identifier (the same in SQLite and PostgreSQL).
    var quotedIdentifier: String { "\"" + replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}
