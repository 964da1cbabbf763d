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
        ServerStorage(
            identity: identity, controlPlane: .sqlite(store, identity: identity), secrets: secretStore(store, keys: keys),
            blobs: try artifactStore(configuration, index: SQLiteBlobIndex(store: store)),
            experiments: SQLiteExperimentRepository(store: store), runs: SQLiteRunRepository(store: store),
            loggedModels: SQLiteLoggedModelRepository(store: store), registry: SQLiteModelRegistryRepository(store: store),
            traces: SQLiteTraceRepository(store: store),
            pipelineCatalog: SQLitePipelineCatalog(store: store, identity: identity), artifactCatalog: SQLiteArtifactCatalog(store: store),
            modelCatalog: SQLiteModelCatalog(store: store), stackCatalog: SQLiteStackCatalog(store: store),
            artifactContent: ArtifactContent(store: store, policy: configuration.artifactReadPolicy),
            audit: SQLiteAuditTrail(store: store), statementCount: { store.statements.value })
    }
}

/// The artifact store the configuration names: the data folder's `artifacts/`, or an
/// S3-compatible store (its settings from the process environment), recording digests in `index`.
func artifactStore(_ configuration: ServerConfiguration, index: any BlobIndex,
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
