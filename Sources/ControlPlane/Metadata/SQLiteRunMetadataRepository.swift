import GRDB
@_spi(SQLiteImplementation) import Storage

/// `RunMetadataRepository` over the control plane's own tables: each resource's metadata
/// is read, merged and written back inside one write transaction, so concurrent writers
/// never drop each other's keys.
struct SQLiteRunMetadataRepository: RunMetadataRepository {
    let store: StateStore

    func attach(_ values: JSONValue, to resources: [(MetadataResource, String)]) async throws {
        try await store.database.guardedWrite { db in
            for (kind, id) in resources {
                guard let stored = try String.fetchOne(db, sql: "SELECT run_metadata FROM \(kind.table) WHERE id = ?", arguments: [id]) else {
                    throw ControlPlaneError.notFound("Unable to get \(kind.noun) with ID '\(id)': No \(kind.noun) with this ID found.")
                }
                var merged = JSONValue.parseStored(stored)
                if merged.objectValue == nil { merged = [:] }
                for (key, value) in values.objectValue ?? [:] { merged[key] = value }
                try db.execute(sql: "UPDATE \(kind.table) SET run_metadata = ? WHERE id = ?", arguments: [merged.text, id])
            }
        }
    }
}
