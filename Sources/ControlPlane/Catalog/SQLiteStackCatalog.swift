import GRDB
@_spi(SQLiteImplementation) import Storage

/// `StackCatalog` over the control plane's tables (read-only).
public struct SQLiteStackCatalog: StackCatalog {
    let store: StateStore

    /// A catalog reading `store`.
    public init(store: StateStore) { self.store = store }

    public func stacks() async throws -> [StackView] {
        try await store.database.read { db in
            try Row.fetchAll(db, sql: "SELECT id, name, description FROM stacks ORDER BY name LIMIT 1000").map { row in
                let id: String = try row.decode(forColumn: "id")
                let components = try Row.fetchAll(db, sql: """
                    SELECT c.* FROM stack_components c JOIN stack_composition s ON s.component_id = c.id WHERE s.stack_id = ? ORDER BY c.type, c.name
                    """, arguments: [id]).map(Self.component)
                return StackView(id: id, name: try row.decode(forColumn: "name"), description: try row.decode(forColumn: "description"), components: components)
            }
        }
    }

    public func components() async throws -> [ComponentView] {
        try await store.database.read { db in try Row.fetchAll(db, sql: "SELECT * FROM stack_components ORDER BY type, name LIMIT 5000").map(Self.component) }
    }

    static func component(_ row: Row) throws -> ComponentView { try CatalogRows.component(StoredRow(row)) }
}
