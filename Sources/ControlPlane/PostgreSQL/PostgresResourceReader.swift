import PostgresNIO
import Storage

/// `ResourceReader` over PostgreSQL: the page (or the records) and what they anticipate
/// wanting come from one snapshot; users come from Identity; a later pass that still misses
/// something reads once more.
struct PostgresResourceReader: ResourceReader {
    let store: PostgresStore
    let accounts: any AccountDirectory

    func page<Record: StoredRecord>(_ request: ListQuery, schema: ResourceSchema,
                                    render: @escaping RecordRendering<Record>) async throws -> JSONValue {
        let query = try await request.resolvingAccounts(accounts)
        let detail = Detail.of(hydrate: query.hydrate)
        let (rows, total, relations) = try await store.snapshot { connection -> ([StoredRow], Int, PageRelations) in
            let (rows, total) = try await query.run(schema, store: store, on: connection)
            let relations = try await self.relations(of: rows, table: schema.table, detail: detail, on: connection)
            return (rows, total, relations)
        }
        let records = try rows.map(Record.init)
        return try await WireRenderer.settled(relations, accounts: accounts, loadRecords: load) { renderer in
            query.page(items: try records.map { try render(renderer, $0, detail) }, total: total)
        }
    }

    func records<Record: StoredRecord>(_ ids: [String], noun: String, detail: Detail,
                                       render: @escaping RecordRendering<Record>) async throws -> [JSONValue] {
        let table = Record.table
        let (rows, relations) = try await store.snapshot { connection -> ([StoredRow], PageRelations) in
            let found = try await PostgresRelationLoader.grouped(store, connection, { "SELECT * FROM \(table) WHERE id = ANY(\($0))" },
                                                                 ids: ids.map { $0.lowercased() }, key: "id")
            let rows = try ids.map { id in
                guard let row = found[id.lowercased()]?.first else { throw ControlPlaneError.missing(noun, id: id) }
                return row
            }
            let relations = try await self.relations(of: rows, table: table, detail: detail, on: connection)
            return (rows, relations)
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

    /// What `rows` of `table` will look up when rendered at `detail`, loaded in the caller's snapshot (users aside).
    func relations(of rows: [StoredRow], table: String, detail: Detail, on connection: PostgresConnection) async throws -> PageRelations {
        var relations = PageRelations()
        try relations.anticipate(rows, table: table, detail: detail)
        try await PostgresRelationLoader.loadRecords(&relations, store: store, on: connection)
        return relations
    }

    /// Loads what `relations` still wait for (users aside) in one snapshot.
    func load(_ relations: PageRelations) async throws -> PageRelations {
        try await store.snapshot { connection in
            var loaded = relations
            try await PostgresRelationLoader.loadRecords(&loaded, store: store, on: connection)
            return loaded
        }
    }
}
