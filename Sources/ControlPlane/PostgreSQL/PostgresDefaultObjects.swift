import PostgresNIO
import Storage

/// The objects a fresh ZenML server has (project `default`, the built-in flavors, stack
/// `default` with its local components), made on PostgreSQL as `SQLiteDefaultObjects` makes
/// them on SQLite: only what is missing, behind the names' UNIQUE constraints, so replicas
/// starting together make each object once.
enum PostgresDefaultObjects {
    /// Creates whatever default object is missing.
    static func ensure(in store: PostgresStore) async throws {
        try await store.transaction { connection in
            let session = PostgresSession(store: store, connection: connection)
            // Replicas starting at once take turns here; the constraints would hold anyway.
            try await session.lock("controlplane:defaults")
            let now = Timestamp.now()
            try await session.execute("""
                INSERT INTO projects (id, name, display_name, description, created, updated)
                SELECT \(String.newID()), 'default', 'default', '', \(now), \(now) WHERE NOT EXISTS (SELECT 1 FROM projects)
                ON CONFLICT (name) DO NOTHING
                """)
            let catalog = (try? JSONValue.parse(Array(BuiltinFlavorCatalog.json.utf8)).arrayValue) ?? []
            for flavor in catalog {
                guard let name = flavor["name"]?.stringValue, let type = flavor["type"]?.stringValue,
                      let source = flavor["source"]?.stringValue else { continue }
                try await session.execute("""
                    INSERT INTO flavors (id, name, type, display_name, source, integration, config_schema, docs_url, sdk_docs_url, is_custom,
                        created, updated)
                    VALUES (\(String.newID()), \(name), \(type), \(flavor["display_name"]?.stringValue ?? name), \(source),
                        \(flavor["integration"]?.stringValue ?? "built-in"), \((flavor["config_schema"] ?? [:]).text), \(flavor["docs_url"]?.stringValue),
                        \(flavor["sdk_docs_url"]?.stringValue), FALSE, \(now), \(now))
                    ON CONFLICT (name, type) DO NOTHING
                    """)
            }
            let stackID = String.newID()
            guard try await session.changed("""
                INSERT INTO stacks (id, name, created, updated) VALUES (\(stackID), 'default', \(now), \(now)) ON CONFLICT (name) DO NOTHING RETURNING id
                """) == 1 else { return }
            for type in ["orchestrator", "deployer", "artifact_store"] {
                try await session.execute("""
                    INSERT INTO stack_components (id, name, type, flavor, created, updated) VALUES (\(String.newID()), 'default', \(type), 'local', \(now), \(now))
                    ON CONFLICT (name, type) DO NOTHING
                    """)
                guard let componentID = try await session.value("SELECT id FROM stack_components WHERE name = 'default' AND type = \(type)",
                                                                as: String.self) else { continue }
                try await session.execute("""
                    INSERT INTO stack_composition (stack_id, component_id) VALUES (\(stackID), \(componentID)) ON CONFLICT DO NOTHING
                    """)
            }
        }
    }
}
