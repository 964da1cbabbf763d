/// What copying one table came to.
public struct TableCopy: Sendable {
    public let table: String
    /// The source's count and digest, which the target's matched when the copy ended.
    public let digest: TableDigest
    /// False when the target already held exactly this (an earlier, interrupted run copied it).
    public let copied: Bool
}

/// Copies every table of a SQLite state file into a PostgreSQL database of the same
/// schema version, table by table in the order foreign keys require, each table in one
/// transaction and verified by count and digest. Whatever an interrupted run left is found
/// again: a table whose copy matches is kept, any other is emptied and copied again.
public struct DatabaseTransfer: Sendable {
    let source: SQLiteTableSource
    let target: PostgresTableTarget

    /// A transfer from `source` into `target`.
    public init(source: SQLiteTableSource, target: PostgresTableTarget) {
        self.source = source
        self.target = target
    }

    /// The tables to copy, parents before the tables that refer to them; among tables free
    /// to go, those named in `first`, then by name. Throws when the schemas differ.
    public func plan(first: [String] = []) async throws -> [TargetTable] {
        let sourceTables = try source.tables()
        let targetTables = try await target.tables()
        for (name, columns) in sourceTables {
            guard let table = targetTables[name] else { throw TransferError.schemaMismatch("the target has no table \(name)") }
            let missing = Set(columns).subtracting(table.columns.map(\.name))
            guard missing.isEmpty else {
                throw TransferError.schemaMismatch("the target's \(name) lacks \(missing.sorted().joined(separator: ", "))")
            }
        }
        if let extra = Set(targetTables.keys).subtracting(sourceTables.keys).sorted().first {
            throw TransferError.schemaMismatch("the source has no table \(extra)")
        }
        let order = try Self.parentsFirst(Array(targetTables.keys), references: try await target.references(), first: first)
        return order.compactMap { name in
            guard let table = targetTables[name], let columns = sourceTables[name] else { return nil }
            return TargetTable(name: name, columns: table.columns.filter { columns.contains($0.name) })
        }
    }

    /// Copies the tables of `plan` (from `plan()`) the target does not hold exactly yet,
    /// telling `progress` of each table. From the first table that differs on, every table
    /// is emptied (those that refer to others first) and copied again: a table that refers to
    /// a differing one may hold rows of it, and parents never refer to their children.
    public func run(_ plan: [TargetTable], progress: (TableCopy) -> Void = { _ in }) async throws -> [TableCopy] {
        var copies: [TableCopy] = []
        var stale = plan.endIndex
        for (index, table) in plan.enumerated() {
            guard let digest = try await heldAlready(table) else { stale = index; break }
            copies.append(TableCopy(table: table.name, digest: digest, copied: false))
            progress(copies[index])
        }
        for table in plan[stale...].reversed() { try await target.empty(table.name) }
        for table in plan[stale...] {
            copies.append(try await fill(table))
            progress(copies[copies.count - 1])
        }
        return copies
    }

    /// The source's digest of `table` when the target holds exactly those rows, else nil.
    func heldAlready(_ table: TargetTable) async throws -> TableDigest? {
        guard try await target.count(table.name) == (try source.count(table.name)) else { return nil }
        let digest = try await sourcePages(table) { _ in }
        return try await target.digest(table.name, columns: table.columns.map(\.name)) == digest ? digest : nil
    }

    /// Copies every row of `table` into its empty target in one transaction, verified before it commits.
    func fill(_ table: TargetTable) async throws -> TableCopy {
        var sourceDigest = TableDigest()
        try await target.transaction {
            sourceDigest = try await sourcePages(table) { rows in try await target.insert(rows, into: table.name, columns: table.columns) }
            for column in table.columns where column.isIdentity {
                try await target.advanceIdentity(table.name, column: column.name)
            }
            let copied = try await target.digest(table.name, columns: table.columns.map(\.name))
            guard copied == sourceDigest else {
                throw TransferError.verificationFailed(table: table.name, source: "\(sourceDigest)", target: "\(copied)")
            }
        }
        return TableCopy(table: table.name, digest: sourceDigest, copied: true)
    }

    /// Throws when the source no longer holds what `run` found in it.
    public func confirmUnchanged(_ copies: [TableCopy]) throws {
        for copy in copies where try source.count(copy.table) != copy.digest.rows {
            throw TransferError.sourceChanged(table: copy.table)
        }
    }

    /// Reads `table`'s source rows page by page, fitted to the target's kinds, handing each
    /// page to `body`; returns their digest.
    func sourcePages(_ table: TargetTable, _ body: ([[StoredValue]]) async throws -> Void) async throws -> TableDigest {
        var digest = TableDigest()
        var key: Int64?
        repeat {
            let page = try source.page(table.name, columns: table.columns.map(\.name), after: key,
                                       limit: Self.batchRows(columns: table.columns.count))
            let fitted = try page.rows.map { row in try Self.fit(row, to: table) }
            for row in fitted { digest.add(row) }
            try await body(fitted)
            key = page.next
        } while key != nil
        return digest
    }

    static func fit(_ row: [StoredValue], to table: TargetTable) throws -> [StoredValue] {
        try zip(row, table.columns).map { value, column in
            do {
                return try value.fitted(to: column.kind)
            } catch let failure as FitFailure {
                throw TransferError.unfitValue(table: table.name, column: column.name, reason: failure.reason)
            }
        }
    }

    /// Rows per INSERT: as many as stay well under PostgreSQL's 65,535 parameters, at most 1,000.
    static func batchRows(columns: Int) -> Int { max(1, min(1_000, 30_000 / max(columns, 1))) }

    /// `tables` ordered so each comes after every table it refers to (a table referring to
    /// itself aside); ties go to `first`, then by name.
    static func parentsFirst(_ tables: [String], references: [(table: String, parent: String)], first: [String]) throws -> [String] {
        var parents: [String: Set<String>] = [:]
        for reference in references where reference.table != reference.parent {
            parents[reference.table, default: []].insert(reference.parent)
        }
        func rank(_ name: String) -> (Int, String) { (first.firstIndex(of: name) ?? first.count, name) }
        var remaining = Set(tables)
        var order: [String] = []
        while !remaining.isEmpty {
            let ready = remaining.filter { parents[$0, default: []].isDisjoint(with: remaining) }
            guard let next = ready.min(by: { rank($0) < rank($1) }) else {
                throw TransferError.circularReferences(remaining.sorted())
            }
            order.append(next)
            remaining.remove(next)
        }
        return order
    }
}

extension DatabaseTransfer {
    /// Refuses a target whose `table` (the install's identity) holds rows other than the
    /// source's: it belongs to another install, and copying would overwrite its data.
    public func checkOrigin(_ table: TargetTable) async throws {
        guard try await target.count(table.name) > 0, try await heldAlready(table) == nil else { return }
        throw TransferError.foreignTarget("the target database already holds another install's data (its \(table.name) is not the source's): "
                                          + "migrate into a new, empty database")
    }
}
