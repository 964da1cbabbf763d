import GRDB

/// `ResourceReader` over SQLite: the page (or the records) and what they anticipate wanting
/// come in one read transaction; users come from Identity; a later pass that still misses
/// something reads once more.
struct SQLiteResourceReader: ResourceReader {
    let reader: any DatabaseReader
    let accounts: any AccountDirectory

    func page<Record: StoredRecord>(_ request: ListQuery, schema: ResourceSchema,
                                    render: @escaping RecordRendering<Record>) async throws -> JSONValue {
        let query = try await request.resolvingAccounts(accounts)
        let detail = Detail.of(hydrate: query.hydrate)
        let (rows, total, relations) = try await reader.read { db in
            let (rows, total) = try query.run(schema, db: db)
            return (rows, total, try Self.relations(of: rows, table: schema.table, detail: detail, db: db))
        }
        let records = try rows.map(Record.init)
        return try await WireRenderer.settled(relations, accounts: accounts, loadRecords: load) { renderer in
            query.page(items: try records.map { try render(renderer, $0, detail) }, total: total)
        }
    }

    func records<Record: StoredRecord>(_ ids: [String], noun: String, detail: Detail,
                                       render: @escaping RecordRendering<Record>) async throws -> [JSONValue] {
        let table = Record.table
        let (rows, relations) = try await reader.read { db in
            let found = try SQLiteRelationLoader.grouped(db, { "SELECT * FROM \(table) WHERE id IN (\($0))" },
                                                        ids: ids.map { $0.lowercased() }, key: "id")
            let rows = try ids.map { id in
                guard let row = found[id.lowercased()]?.first else { throw ControlPlaneError.missing(noun, id: id) }
                return row
            }
            return (rows, try Self.relations(of: rows, table: table, detail: detail, db: db))
        }
        let records = try rows.map(Record.init)
        let value = try await WireRenderer.settled(relations, accounts: accounts, loadRecords: load) { renderer in
            .array(try records.map { try render(renderer, $0, detail) })
        }
        return value.arrayValue ?? []
    }

    func rendering(_ work: @escaping (WireRenderer) throws -> JSONValue) async throws -> JSONValue {
        try await WireRenderer.settled(PageRelations(), accounts: accounts, loadRecords: load, work)
    }

    /// What `rows` of `table` will look up when rendered at `detail`, loaded in the caller's
    /// transaction (users aside).
    static func relations(of rows: [StoredRow], table: String, detail: Detail, db: GRDB.Database) throws -> PageRelations {
        var relations = PageRelations()
        try relations.anticipate(rows, table: table, detail: detail)
        try SQLiteRelationLoader.loadRecords(&relations, db: db)
        return relations
    }

    /// Loads what `relations` still wait for (users aside) in one read transaction.
    func load(_ relations: PageRelations) async throws -> PageRelations {
        try await reader.read { db in
            var loaded = relations
            try SQLiteRelationLoader.loadRecords(&loaded, db: db)
            return loaded
        }
    }
}
