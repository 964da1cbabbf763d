import GRDB
@_spi(SQLiteImplementation) import Storage

/// The objects a fresh ZenML server has, created at first start: project `default`,
/// the built-in flavors, and stack `default` with local orchestrator, artifact store
/// and deployer. Idempotent: running it again adds only what is missing (new flavors
/// of a newer catalogue included). The SQLite implementation of `ControlPlaneStorage.seedDefaults`.
public enum SQLiteDefaultObjects {
    /// Creates whatever default object is missing.
    public static func ensure(in store: StateStore) throws {
        try store.database.write { db in try ensure(db: db) }
    }

    static func ensure(db: GRDB.Database) throws {
        let now = Timestamp.now()
        // Project `default` only on a server with no project at all, in one statement behind
        // the name's UNIQUE constraint: replicas starting together make one.
        try db.execute(sql: """
            INSERT INTO projects (id, name, display_name, description, created, updated)
            SELECT ?, 'default', 'default', '', ?, ? WHERE NOT EXISTS (SELECT 1 FROM projects) ON CONFLICT (name) DO NOTHING
            """, arguments: [String.newID(), now, now])
        let catalog = (try? JSONValue.parse(Array(BuiltinFlavorCatalog.json.utf8)).arrayValue) ?? []
        for flavor in catalog {
            guard let name = flavor["name"]?.stringValue, let type = flavor["type"]?.stringValue,
                  let source = flavor["source"]?.stringValue else { continue }
            try db.execute(sql: """
                INSERT INTO flavors (id, name, type, display_name, source, integration, config_schema, docs_url, sdk_docs_url, is_custom, created, updated)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT (name, type) DO NOTHING
                """, arguments: [String.newID(), name, type, flavor["display_name"]?.stringValue ?? name, source,
                                 flavor["integration"]?.stringValue ?? "built-in",
                                 (flavor["config_schema"] ?? [:]).text, flavor["docs_url"]?.stringValue,
                                 flavor["sdk_docs_url"]?.stringValue, now, now])
        }
        let stackID = String.newID()
        try db.execute(sql: "INSERT INTO stacks (id, name, created, updated) VALUES (?, 'default', ?, ?) ON CONFLICT (name) DO NOTHING",
                       arguments: [stackID, now, now])
        guard db.changesCount == 1 else { return }
        for type in ["orchestrator", "deployer", "artifact_store"] {
            try db.execute(sql: """
                INSERT INTO stack_components (id, name, type, flavor, created, updated) VALUES (?, 'default', ?, 'local', ?, ?)
                ON CONFLICT (name, type) DO NOTHING
                """, arguments: [String.newID(), type, now, now])
            guard let componentID = try String.fetchOne(db, sql: "SELECT id FROM stack_components WHERE name = 'default' AND type = ?",
                                                        arguments: [type]) else { continue }
            try db.execute(sql: "INSERT INTO stack_composition (stack_id, component_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                           arguments: [stackID, componentID])
        }
    }
}
