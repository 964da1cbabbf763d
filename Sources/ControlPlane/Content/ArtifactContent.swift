import Storage

/// A visualization as stored: its type (`html`, `markdown`, `csv`, `json`, `image`) and bytes.
public struct LoadedVisualization: Sendable {
    public let type: String
    public let bytes: [UInt8]
}

/// Reads artifact content for the server's own answers (the ZenML API's `visualize` and the
/// dashboard): from a local artifact store under the site's `ArtifactReadPolicy`, or from an
/// S3 artifact store through `objects`; both go through this one type.
public struct ArtifactContent: Sendable {
    let content: any ArtifactContentRepository
    let reader: ArtifactContentReader
    let objects: (any ObjectStoreContent)?

    /// Content of the control plane's artifact versions and logs in `store`, read under
    /// `policy`, and from the S3 stores `objects` allows (none when nil).
    public init(store: StateStore, policy: ArtifactReadPolicy, objects: (any ObjectStoreContent)? = nil) {
        content = SQLiteArtifactContentRepository(store: store)
        reader = ArtifactContentReader(policy: policy)
        self.objects = objects
    }

    init(content: any ArtifactContentRepository, reader: ArtifactContentReader, objects: (any ObjectStoreContent)? = nil) {
        self.content = content
        self.reader = reader
        self.objects = objects
    }

    /// Visualization `index` of an artifact version; a `ControlPlaneError` says why it cannot be read.
    public func visualization(versionID: String, index: Int) async throws -> LoadedVisualization {
        let (type, location) = try await content.visualization(versionID: versionID, index: index)
        let files = try await files(location, wholeFile: true)
        return LoadedVisualization(type: type, bytes: files.first ?? [])
    }

    /// The bytes at `location`: one file, or (unless `wholeFile`) the files of a folder in name order.
    func files(_ location: ContentLocation, wholeFile: Bool = false) async throws -> [[UInt8]] {
        switch try await store(location.artifactStoreID) {
        case .local(let root):
            return wholeFile ? [try await reader.read(uri: location.uri, storeRoot: root)] : try await reader.files(uri: location.uri, storeRoot: root)
        case .objects(let root, let objects):
            guard let address = ObjectAddress(location.uri) else {
                throw ControlPlaneError.invalid("The URI is not a plain s3:// address of its artifact store.")
            }
            guard address.isWithin(root), address != root else {
                throw ControlPlaneError.forbidden("The URI points outside the root path of its artifact store.")
            }
            let files: [[UInt8]]
            do {
                files = try await objects.files(uri: location.uri, limit: reader.policy.maxFileBytes)
            } catch let error as ControlPlaneError {
                throw error
            } catch let error as ObjectStoreContentError {
                throw error.tooLarge ? ControlPlaneError.invalid(error.message) : ControlPlaneError.notFound(error.message)
            }
            guard !files.isEmpty else { throw ControlPlaneError.notFound("The file is not in the artifact store (it may have been removed).") }
            return wholeFile ? [files[0]] : files
        }
    }

    /// Where an artifact store's content is read from.
    enum ContentStore {
        case local(root: String)
        case objects(root: ObjectAddress, reader: any ObjectStoreContent)
    }

    /// The artifact store of `id` as the server reads it, or the error that says why it cannot be read.
    func store(_ id: String?) async throws -> ContentStore {
        guard let id, let store = try await content.artifactStore(id: id) else {
            throw ControlPlaneError.notFound("The content cannot be read because its artifact store was deleted.")
        }
        guard let path = store.path, !path.isEmpty else {
            throw ControlPlaneError.invalid("The artifact store '\(store.name)' has no path the server knows (each client keeps its files "
                + "in its own ZenML folder); give it a path under a directory the server may read.")
        }
        switch store.flavor {
        case "local":
            return .local(root: path)
        case "s3":
            guard let objects, let root = ObjectAddress(path), objects.allows(root: path) else {
                throw ControlPlaneError.forbidden("The S3 artifact store '\(store.name)' is outside the locations the server may read "
                    + "(s3:// entries of artifact_read_roots in the server's configuration).")
            }
            return .objects(root: root, reader: objects)
        default:
            throw ControlPlaneError.invalid("The server reads only local and S3 artifact stores; '\(store.name)' is a \(store.flavor) store.")
        }
    }
}
