import Agents
import ArtifactStore
import Foundation
import ControlPlane
import Identity
import Secrets
import Storage
import Tracking

extension ServerStorage {
    /// Every module's SQLite repositories over `store`, the artifact store in the data
    /// folder, and the secret store sealed with `keys`.
    static func sqlite(_ store: StateStore, identity: IdentityStore, keys: any CipherSource,
                       configuration: ServerConfiguration) throws -> ServerStorage {
        let objects = try allowedObjectContent(configuration)
        return ServerStorage(
            identity: identity, controlPlane: .sqlite(store, identity: identity), secrets: secretStore(store, keys: keys),
            blobs: try artifactStore(configuration, index: SQLiteBlobIndex(store: store)),
            experiments: SQLiteExperimentRepository(store: store), runs: SQLiteRunRepository(store: store),
            loggedModels: SQLiteLoggedModelRepository(store: store), registry: SQLiteModelRegistryRepository(store: store),
            traces: SQLiteTraceRepository(store: store),
            pipelineCatalog: SQLitePipelineCatalog(store: store, identity: identity), artifactCatalog: SQLiteArtifactCatalog(store: store),
            modelCatalog: SQLiteModelCatalog(store: store), stackCatalog: SQLiteStackCatalog(store: store),
            artifactContent: ArtifactContent(store: store, policy: configuration.artifactReadPolicy, objects: objects), objectContent: objects,
            audit: SQLiteAuditTrail(store: store), agents: SQLiteAgentRepository(store: store),
            agentJobs: SQLiteAgentJobRepository(store: store), statementCount: { store.statements.value })
    }
}

/// The artifact store the configuration names: the data folder's `artifacts/`, or an
/// S3-compatible store (its settings from the process environment), recording digests in `index`.
func artifactStore(_ configuration: ServerConfiguration, index: (any BlobIndex)?,
                   environment: [String: String] = ProcessInfo.processInfo.environment) throws -> any MultipartBlobStore {
    guard let address = configuration.artifactStore else {
        return try LocalBlobStore(root: configuration.artifactDirectory, index: index)
    }
    do {
        let location = try S3Location.resolve(uri: address, environment: environment)
        return try S3BlobStore(location: location, index: index, spoolFolder: configuration.artifactDirectory + ".incoming")
    } catch let error as S3SettingError {
        throw ConfigurationError("artifact_store: \(error.description)")
    }
}

/// The S3 locations ZenML content may be read from, or nil when the site allows none.
func allowedObjectContent(_ configuration: ServerConfiguration,
                   environment: [String: String] = ProcessInfo.processInfo.environment) throws -> (any ObjectStoreContent)? {
    let roots = configuration.objectReadRoots
    return roots.isEmpty ? nil : try S3ArtifactContent(roots: roots, environment: environment)
}
