import NIOCore
import PostgresNIO

/// One table of the target database as the copy sees it.
public struct TargetTable: Sendable {
    /// One column: its name, kind and whether PostgreSQL numbers it itself (an identity).
    public struct Column: Sendable {
        public let name: String
        public let kind: ColumnKind
        public let isIdentity: Bool
    }

    public let name: String
    public let columns: [Column]
}

/// The PostgreSQL database `enclave migrate` copies into, over one connection it holds for
/// the whole copy (with a session advisory lock, so two copies never interleave): its tables
/// from the catalog, each copied in one transaction, read back for verification.
public struct PostgresTableTarget: Sendable {
    let store: PostgresStore
    let connection: PostgresConnection

    /// Runs `body` over `store` on one connection holding the copy lock, released however
    /// `body` ends; throws `TransferError.targetBusy` when another copy holds it.
    public static func claimed<Result: Sendable>(_ store: PostgresStore, _ body: (PostgresTableTarget) async throws -> Result) async throws -> Result {
        try await store.withConnection { connection in
            let locked = try await store.rows("SELECT pg_try_advisory_lock(\(copyLock))", on: connection).first?.decode(Bool.self) ?? false
            guard locked else { throw TransferError.targetBusy }
            let result: Result
            do {
                result = try await body(PostgresTableTarget(store: store, connection: connection))
            } catch {
                _ = try? await store.rows("SELECT pg_advisory_unlock(\(copyLock))", on: connection)
                throw error
            }
            _ = try? await store.rows("SELECT pg_advisory_unlock(\(copyLock))", on: connection)
            return result
        }
    }

    /// The schema's tables but the migrations' own, with their columns in order.
    public func tables() async throws -> [String: TargetTable] {
        let rows = try await store.rows("""
            SELECT table_name::text, column_name::text, data_type::text, is_identity::text
            FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name <> 'enclave_migrations'
            ORDER BY table_name, ordinal_position
            """, on: connection)
        var columns: [String: [TargetTable.Column]] = [:]
        for row in rows {
            let (table, column, type, identity) = try row.decode((String, String, String, String).self)
            guard let kind = ColumnKind(postgresDataType: type) else {
                throw TransferError.schemaMismatch("\(table).\(column) has the type \(type), which Enclave does not copy")
            }
            columns[table, default: []].append(.init(name: column, kind: kind, isIdentity: identity == "YES"))
        }
        return columns.reduce(into: [:]) { tables, entry in tables[entry.key] = TargetTable(name: entry.key, columns: entry.value) }
    }

    /// Pairs (table, table it refers to) of the schema's foreign keys.
    public func references() async throws -> [(table: String, parent: String)] {
        try await store.rows("""
            SELECT child.relname::text, parent.relname::text
            FROM pg_constraint c
            JOIN pg_class child ON child.oid = c.conrelid
            JOIN pg_class parent ON parent.oid = c.confrelid
            JOIN pg_namespace n ON n.oid = child.relnamespace
            WHERE c.contype = 'f' AND n.nspname = current_schema()
            """, on: connection).map { row in
            let (table, parent) = try row.decode((String, String).self)
            return (table, parent)
        }
    }

    /// The number of rows in `table`.
    public func count(_ table: String) async throws -> Int {
        let rows = try await store.rows(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table.quotedIdentifier)"), on: connection)
        return Int(try rows.first?.decode(Int64.self) ?? 0)
    }

    /// The digest of `columns` of `table` as stored, read in one pass.
    public func digest(_ table: String, columns: [String]) async throws -> TableDigest {
        var digest = TableDigest()
        let list = columns.map(\.quotedIdentifier).joined(separator: ", ")
        try await store.forEachRow(PostgresQuery(unsafeSQL: "SELECT \(list) FROM \(table.quotedIdentifier)"), on: connection) { row in
            digest.add(try row.map { cell in try StoredValue(postgres: cell) })
        }
        return digest
    }

    /// Runs `body` in one transaction on the held connection: a table is copied whole or not at all.
    public func transaction(_ body: () async throws -> Void) async throws {
        _ = try await store.rows("BEGIN", on: connection)
        do {
            try await body()
            _ = try await store.rows("COMMIT", on: connection)
        } catch {
            _ = try? await store.rows("ROLLBACK", on: connection)
            throw error
        }
    }

    /// Removes every row of `table` (a partial or stale copy), inside `transaction`.
    public func empty(_ table: String) async throws {
        _ = try await store.rows(PostgresQuery(unsafeSQL: "DELETE FROM \(table.quotedIdentifier)"), on: connection)
    }

    /// Inserts `rows` (values fitted to `columns`' kinds) into `table`, with the values
    /// given even for identity columns.
    public func insert(_ rows: [[StoredValue]], into table: String, columns: [TargetTable.Column]) async throws {
        guard !rows.isEmpty else { return }
        var binds = PostgresBindings(capacity: rows.count * columns.count)
        var tuples: [String] = []
        for row in rows {
            var placeholders: [String] = []
            for (value, column) in zip(row, columns) {
                binds.append(value, as: column.kind)
                placeholders.append("$\(binds.count)")
            }
            tuples.append("(" + placeholders.joined(separator: ", ") + ")")
        }
        let overriding = columns.contains(where: \.isIdentity) ? " OVERRIDING SYSTEM VALUE" : ""
        let sql = "INSERT INTO \(table.quotedIdentifier) (\(columns.map(\.name.quotedIdentifier).joined(separator: ", ")))\(overriding) VALUES "
            + tuples.joined(separator: ", ")
        _ = try await store.rows(PostgresQuery(unsafeSQL: sql, binds: binds), on: connection)
    }

    /// Moves the numbering of `table`'s identity `column` past the largest value copied, so
    /// the next row PostgreSQL numbers does not collide with a copied one.
    public func advanceIdentity(_ table: String, column: String) async throws {
        let quoted = table.quotedIdentifier
        _ = try await store.rows("""
            SELECT setval(pg_get_serial_sequence(\(quoted), \(column)), COALESCE(MAX(\(unescaped: column.quotedIdentifier)), 0) + 1, false)
            FROM \(unescaped: quoted)
            """, on: connection)
    }

    /// The advisory lock a copy holds ("migrate!").
    static let copyLock: Int64 = 0x6D69_6772_6174_6521
}

extension PostgresBindings {
    /// Appends a fitted value as the column kind's PostgreSQL type.
    mutating func append(_ value: StoredValue, as kind: ColumnKind) {
        switch (kind, value) {
        case (_, .null): appendNull()
        case let (.boolean, .integer(number)): append(number != 0)
        case let (_, .integer(number)): append(number)
        case let (_, .real(number)): append(number)
        case let (_, .text(text)): append(text)
        case let (_, .blob(bytes)): append(ByteBuffer(bytes: bytes))
        }
    }
}
