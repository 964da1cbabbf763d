import ArtifactStore
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
            blobs: try LocalBlobStore(root: configuration.artifactDirectory, index: SQLiteBlobIndex(store: store)),
            experiments: SQLiteExperimentRepository(store: store), runs: SQLiteRunRepository(store: store),
            loggedModels: SQLiteLoggedModelRepository(store: store), registry: SQLiteModelRegistryRepository(store: store),
            traces: SQLiteTraceRepository(store: store),
            pipelineCatalog: SQLitePipelineCatalog(store: store, identity: identity), artifactCatalog: SQLiteArtifactCatalog(store: store),
            modelCatalog: SQLiteModelCatalog(store: store), stackCatalog: SQLiteStackCatalog(store: store),
            artifactContent: ArtifactContent(store: store, policy: configuration.artifactReadPolicy),
            audit: SQLiteAuditTrail(store: store), statementCount: { store.statements.value })
    }
}
