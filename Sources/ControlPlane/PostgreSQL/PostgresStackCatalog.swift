import PostgresNIO
import Storage

/// `StackCatalog` over PostgreSQL's control-plane tables (read-only).
public struct PostgresStackCatalog: StackCatalog {
    let store: PostgresStore

    /// A catalog reading `store`.
    public init(store: PostgresStore) { self.store = store }

    public func stacks() async throws -> [StackView] {
        try await store.read { session in
            var stacks: [StackView] = []
            for row in try await session.rows("SELECT id, name, description FROM stacks ORDER BY name COLLATE \"C\" LIMIT 1000").map(StoredRow.init(postgres:)) {
                let id: String = try row.decode(forColumn: "id")
                let components = try await session.rows("""
                    SELECT c.* FROM stack_components c JOIN stack_composition s ON s.component_id = c.id WHERE s.stack_id = \(id)
                    ORDER BY c.type COLLATE "C", c.name COLLATE "C"
                    """).map { try CatalogRows.component(try StoredRow(postgres: $0)) }
                stacks.append(StackView(id: id, name: try row.decode(forColumn: "name"), description: try row.decode(forColumn: "description"),
                                        components: components))
            }
            return stacks
        }
    }

    public func components() async throws -> [ComponentView] {
        try await store.read { session in
            try await session.rows("SELECT * FROM stack_components ORDER BY type COLLATE \"C\", name COLLATE \"C\" LIMIT 5000")
                .map { try CatalogRows.component(try StoredRow(postgres: $0)) }
        }
    }
}
