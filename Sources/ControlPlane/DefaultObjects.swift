import GRDB
@_spi(SQLiteImplementation) import Storage

/// The objects a fresh ZenML server has, created at first start: project `default`,
/// the built-in flavors, and stack `default` with local orchestrator, artifact store
/// and deployer. Idempotent: running it again adds only what is missing (new flavors
/// of a newer catalogue included).
public enum DefaultObjects {
    /// Creates whatever default object is missing.
    public static func ensure(in store: StateStore) throws {
        try store.database.write { db in try ensure(db: db) }
    }

    static func ensure(db: GRDB.Database) throws {
        let now = Timestamp.now()
        if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM projects") == 0 {
            try db.execute(sql: "INSERT INTO projects (id, name, display_name, description, created, updated) VALUES (?, 'default', 'default', '', ?, ?)",
                           arguments: [String.newID(), now, now])
        }
        let catalog = (try? JSONValue.parse(Array(BuiltinFlavorCatalog.json.utf8)).arrayValue) ?? []
        for flavor in catalog {
            guard let name = flavor["name"]?.stringValue, let type = flavor["type"]?.stringValue,
                  let source = flavor["source"]?.stringValue else { continue }
            try db.execute(sql: """
                INSERT INTO flavors (id, name, type, display_name, source, integration, config_schema, docs_url, sdk_docs_url, is_custom, created, updated)
                VALUES (?, ?, ?, ?, ?, 'built-in', ?, ?, ?, 0, ?, ?) ON CONFLICT (name, type) DO NOTHING
                """, arguments: [String.newID(), name, type, flavor["display_name"]?.stringValue ?? name, source,
                                 (flavor["config_schema"] ?? [:]).text, flavor["docs_url"]?.stringValue,
                                 flavor["sdk_docs_url"]?.stringValue, now, now])
        }
        if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM stacks WHERE name = 'default'") == 0 {
            let stackID = String.newID()
            try db.execute(sql: "INSERT INTO stacks (id, name, created, updated) VALUES (?, 'default', ?, ?)", arguments: [stackID, now, now])
            for type in ["orchestrator", "deployer", "artifact_store"] {
                let componentID = try String.fetchOne(db, sql: "SELECT id FROM stack_components WHERE name = 'default' AND type = ?", arguments: [type])
                    ?? {
                        let id = String.newID()
                        try db.execute(sql: "INSERT INTO stack_components (id, name, type, flavor, created, updated) VALUES (?, 'default', ?, 'local', ?, ?)",
                                       arguments: [id, type, now, now])
                        return id
                    }()
                try db.execute(sql: "INSERT INTO stack_composition (stack_id, component_id) VALUES (?, ?)", arguments: [stackID, componentID])
            }
        }
    }
}
