import Storage

/// A visualization as stored: its type (`html`, `markdown`, `csv`, `json`, `image`) and bytes.
public struct LoadedVisualization: Sendable {
    public let type: String
    public let bytes: [UInt8]
}

/// Reads artifact content for the server's own answers (the ZenML API's `visualize` and the
/// dashboard) under the site's `ArtifactReadPolicy`; both go through this one reader.
public struct ArtifactContent: Sendable {
    let content: any ArtifactContentRepository
    let reader: ArtifactContentReader

    /// Content of the control plane's artifact versions and logs in `store`, read under `policy`.
    public init(store: StateStore, policy: ArtifactReadPolicy) {
        content = SQLiteArtifactContentRepository(store: store)
        reader = ArtifactContentReader(policy: policy)
    }

    init(content: any ArtifactContentRepository, reader: ArtifactContentReader) {
        self.content = content
        self.reader = reader
    }

    /// Visualization `index` of an artifact version; a `ControlPlaneError` says why it cannot be read.
    public func visualization(versionID: String, index: Int) async throws -> LoadedVisualization {
        let (type, location) = try await content.visualization(versionID: versionID, index: index)
        return LoadedVisualization(type: type, bytes: try await reader.read(uri: location.uri, storeRoot: try await storeRoot(location.artifactStoreID)))
    }

    /// The root path of a local artifact store, or the error that says why it cannot be read.
    func storeRoot(_ id: String?) async throws -> String {
        guard let id, let store = try await content.artifactStore(id: id) else {
            throw ControlPlaneError.notFound("The content cannot be read because its artifact store was deleted.")
        }
        guard store.flavor == "local" else {
            throw ControlPlaneError.invalid("The server reads only local artifact stores; '\(store.name)' is a \(store.flavor) store.")
        }
        guard let path = store.path, !path.isEmpty else {
            throw ControlPlaneError.invalid("The artifact store '\(store.name)' has no path the server knows (each client keeps its files "
                + "in its own ZenML folder); give it a path under a directory the server may read.")
        }
        return path
    }
}
