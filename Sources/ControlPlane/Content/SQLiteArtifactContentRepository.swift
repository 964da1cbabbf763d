import GRDB
@_spi(SQLiteImplementation) import Storage

/// `ArtifactContentRepository` over the control plane's tables.
struct SQLiteArtifactContentRepository: ArtifactContentRepository {
    let store: StateStore

    func visualization(versionID: String, index: Int) async throws -> (type: String, location: ContentLocation) {
        try await store.database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT visualizations, artifact_store_id FROM artifact_versions WHERE id = ?",
                                             arguments: [versionID]) else {
                throw ControlPlaneError.notFound("Unable to get artifact version with ID '\(versionID)': No artifact version with this ID found.")
            }
            let visualizations = JSONValue.parseStored(row["visualizations"] as String?).arrayValue ?? []
            guard !visualizations.isEmpty else { throw ControlPlaneError.notFound("Artifact '\(versionID)' has no visualizations.") }
            guard index >= 0, index < visualizations.count,
                  let type = visualizations[index]["type"]?.stringValue, let uri = visualizations[index]["uri"]?.stringValue else {
                throw ControlPlaneError.notFound("Artifact '\(versionID)' only has \(visualizations.count) visualizations, but index \(index) was requested.")
            }
            return (type, ContentLocation(uri: uri, artifactStoreID: row["artifact_store_id"]))
        }
    }

    func logs(of kind: LogOwner, id: String, source: String?, logsID: String?) async throws -> ContentLocation {
        try await store.database.read { db in
            let table = kind == .step ? "step_runs" : "pipeline_runs"
            guard try String.fetchOne(db, sql: "SELECT id FROM \(table) WHERE id = ?", arguments: [id]) != nil else {
                throw ControlPlaneError.notFound("Unable to get \(kind.noun) with ID '\(id)': No \(kind.noun) with this ID found.")
            }
            let row = try Row.fetchOne(db, sql: """
                SELECT uri, artifact_store_id FROM logs WHERE \(kind.rawValue) = ? AND (source = ? OR id = ?) ORDER BY created LIMIT 1
                """, arguments: [id, source, logsID?.lowercased()])
            guard let row, let uri = row["uri"] as String? else {
                let which = source.map { "source '\($0)'" } ?? "ID '\(logsID ?? "")'"
                throw ControlPlaneError.notFound("No logs found for \(which) in \(kind.noun) \(id)")
            }
            return ContentLocation(uri: uri, artifactStoreID: row["artifact_store_id"])
        }
    }

    func logs(id: String) async throws -> ContentLocation {
        try await store.database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT uri, artifact_store_id FROM logs WHERE id = ?", arguments: [id.lowercased()]) else {
                throw ControlPlaneError.notFound("Unable to get logs with ID '\(id)': No logs with this ID found.")
            }
            guard let uri = row["uri"] as String? else { throw ControlPlaneError.notFound("Logs '\(id)' were written to a log store, not a file.") }
            return ContentLocation(uri: uri, artifactStoreID: row["artifact_store_id"])
        }
    }

    func artifactStore(id: String) async throws -> ArtifactStoreLocation? {
        try await store.database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT name, flavor, configuration FROM stack_components WHERE id = ? AND type = 'artifact_store'",
                                             arguments: [id.lowercased()]) else { return nil }
            return ArtifactStoreLocation(name: row["name"], flavor: row["flavor"],
                                         path: JSONValue.parseStored(row["configuration"] as String?)["path"]?.stringValue)
        }
    }
}
