import PostgresNIO
import Storage

/// `RunMetadataRepository` on PostgreSQL: each resource's row is held while its metadata is
/// merged, so writers on other replicas never drop each other's keys.
struct PostgresRunMetadataRepository: RunMetadataRepository {
    let store: PostgresStore

    func attach(_ values: JSONValue, to resources: [(MetadataResource, String)]) async throws {
        try await store.write { session in
            for (kind, id) in resources {
                guard let row = try await session.row("SELECT run_metadata FROM \(unescaped: kind.table) WHERE id = \(id) FOR UPDATE") else {
                    throw ControlPlaneError.notFound("Unable to get \(kind.noun) with ID '\(id)': No \(kind.noun) with this ID found.")
                }
                var merged = JSONValue.parseStored(try row.decode(String?.self, forColumn: "run_metadata"))
                if merged.objectValue == nil { merged = [:] }
                for (key, value) in values.objectValue ?? [:] { merged[key] = value }
                try await session.execute("UPDATE \(unescaped: kind.table) SET run_metadata = \(merged.text) WHERE id = \(id)")
            }
        }
    }
}
