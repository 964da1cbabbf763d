import Identity

/// Renders one typed record of a page or a lookup as its ZenML response model.
typealias RecordRendering<Record> = @Sendable (WireRenderer, Record, Detail) throws -> JSONValue

/// The control plane's read side: a page, or records by id, with every relation their
/// rendering asks for loaded a kind at a time. Handlers and renderers see typed records
/// (`StoredRecord`) and `PageRelations`, never a database, so another engine plugs in here.
protocol ResourceReader: Sendable {
    /// The page `query` selects from `schema`'s table, each record rendered by `render`,
    /// inside ZenML's page envelope.
    func page<Record: StoredRecord>(_ query: ListQuery, schema: ResourceSchema,
                                    render: @escaping RecordRendering<Record>) async throws -> JSONValue

    /// The records `ids` of `Record`'s table, in order, rendered at `detail`; a missing one is
    /// ZenML's not-found error naming `noun`.
    func records<Record: StoredRecord>(_ ids: [String], noun: String, detail: Detail,
                                       render: @escaping RecordRendering<Record>) async throws -> [JSONValue]

    /// Renders with `work` values read elsewhere (another module's records), loading the
    /// relations they name (their owners) the way pages do.
    func rendering(_ work: @escaping (WireRenderer) throws -> JSONValue) async throws -> JSONValue
}

/// Where the control plane finds the accounts its entities name: Identity's API, never its tables.
protocol AccountDirectory: Sendable {
    /// The accounts with these ids, by id; ids of removed accounts are left out.
    func accounts(ids: Set<String>) async throws -> [String: Account]
    /// The ids of the accounts `nameOrID` names (ZenML's `user=` filter).
    func accountIDs(nameOrID: String) async throws -> [String]
}

extension IdentityStore: AccountDirectory {}

extension WireRenderer {
    /// Renders with `work` until every relation it asks for has been loaded, and answers the
    /// last pass: `loadRecords` fills what the database holds, `accounts` the users. Passes
    /// are as many as relations are deep (most pages render once), whatever the number of rows.
    static func settled(_ start: PageRelations, accounts: any AccountDirectory,
                        loadRecords: (PageRelations) async throws -> PageRelations,
                        _ work: (WireRenderer) throws -> JSONValue) async throws -> JSONValue {
        var relations = start
        for _ in 0..<maximumPasses {
            if relations.isWaitingForRecords { relations = try await loadRecords(relations) }
            if relations.isWaitingForAccounts {
                let found = try await accounts.accounts(ids: relations.users.wanted)
                relations.users.fill(found.mapValues { user($0, detail: .nested) }, missing: .null)
            }
            let renderer = WireRenderer(relations: relations)
            let value = try work(renderer)
            relations = renderer.relations
            guard relations.isWaiting else { return value }
        }
        throw UnsettledRelations(passes: maximumPasses)
    }
}
