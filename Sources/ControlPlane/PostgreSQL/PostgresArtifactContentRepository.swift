import PostgresNIO
import Storage

/// `ArtifactContentRepository` over PostgreSQL's control-plane tables.
struct PostgresArtifactContentRepository: ArtifactContentRepository {
    let store: PostgresStore

    func visualization(versionID: String, index: Int) async throws -> (type: String, location: ContentLocation) {
        guard let row = try await store.read({ session in
            try await session.row("SELECT visualizations, artifact_store_id FROM artifact_versions WHERE id = \(versionID)")
        }) else {
            throw ControlPlaneError.notFound("Unable to get artifact version with ID '\(versionID)': No artifact version with this ID found.")
        }
        let visualizations = JSONValue.parseStored(try row.decode(String?.self, forColumn: "visualizations")).arrayValue ?? []
        guard !visualizations.isEmpty else { throw ControlPlaneError.notFound("Artifact '\(versionID)' has no visualizations.") }
        guard index >= 0, index < visualizations.count,
              let type = visualizations[index]["type"]?.stringValue, let uri = visualizations[index]["uri"]?.stringValue else {
            throw ControlPlaneError.notFound("Artifact '\(versionID)' only has \(visualizations.count) visualizations, but index \(index) was requested.")
        }
        return (type, ContentLocation(uri: uri, artifactStoreID: try row.decode(String?.self, forColumn: "artifact_store_id")))
    }

    func logs(of kind: LogOwner, id: String, source: String?, logsID: String?) async throws -> ContentLocation {
        let table = kind == .step ? "step_runs" : "pipeline_runs"
        let (exists, row) = try await store.read { session -> (Bool, StoredRow?) in
            guard try await session.value("SELECT id FROM \(unescaped: table) WHERE id = \(id)", as: String.self) != nil else { return (false, nil) }
            return (true, try await session.row("""
                SELECT uri, artifact_store_id FROM logs WHERE \(unescaped: kind.rawValue) = \(id) AND (source = \(source) OR id = \(logsID?.lowercased()))
                ORDER BY created COLLATE "C" LIMIT 1
                """))
        }
        guard exists else { throw ControlPlaneError.notFound("Unable to get \(kind.noun) with ID '\(id)': No \(kind.noun) with this ID found.") }
        guard let row, let uri = try row.decode(String?.self, forColumn: "uri") else {
            let which = source.map { "source '\($0)'" } ?? "ID '\(logsID ?? "")'"
            throw ControlPlaneError.notFound("No logs found for \(which) in \(kind.noun) \(id)")
        }
        return ContentLocation(uri: uri, artifactStoreID: try row.decode(String?.self, forColumn: "artifact_store_id"))
    }

    func logs(id: String) async throws -> ContentLocation {
        guard let row = try await store.read({ session in
            try await session.row("SELECT uri, artifact_store_id FROM logs WHERE id = \(id.lowercased())")
        }) else {
            throw ControlPlaneError.notFound("Unable to get logs with ID '\(id)': No logs with this ID found.")
        }
        guard let uri = try row.decode(String?.self, forColumn: "uri") else { throw ControlPlaneError.notFound("Logs '\(id)' were written to a log store, not a file.") }
        return ContentLocation(uri: uri, artifactStoreID: try row.decode(String?.self, forColumn: "artifact_store_id"))
    }

    func artifactStore(id: String) async throws -> ArtifactStoreLocation? {
        guard let row = try await store.read({ session in
            try await session.row("SELECT name, flavor, configuration FROM stack_components WHERE id = \(id.lowercased()) AND type = 'artifact_store'")
        }) else { return nil }
        return ArtifactStoreLocation(name: try row.decode(forColumn: "name"), flavor: try row.decode(forColumn: "flavor"),
                                     path: JSONValue.parseStored(try row.decode(String?.self, forColumn: "configuration"))["path"]?.stringValue)
    }
}
