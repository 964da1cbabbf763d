import Identity
@_spi(SQLiteImplementation) import Storage

/// The control plane's storage, one repository per domain: what `ZenMLAPI` reads and writes
/// through. Handlers never see a database, so another engine's bundle can stand in for SQLite.
public struct ControlPlaneStorage: Sendable {
    let reads: any ResourceReader
    let projects: any ProjectRepository
    let stacks: any StackRepository
    let pipelines: any PipelineRepository
    let runs: any RunRepository
    let artifacts: any ArtifactRepository
    let logs: any LogsRepository
    let metadata: any RunMetadataRepository
    let hooks: any HookInvocationRepository
    let models: any ModelRepository
    let tags: any TagRepository
    let ledger: any IdempotencyLedger
    let content: any ArtifactContentRepository
    /// Creates what a fresh server must hold (project and stack `default`, the flavors).
    let seedDefaults: @Sendable () throws -> Void

    /// Every repository on SQLite in `store`; users are read through `identity`.
    public static func sqlite(_ store: StateStore, identity: IdentityStore) -> ControlPlaneStorage {
        ControlPlaneStorage(
            reads: SQLiteResourceReader(reader: store.database, accounts: identity),
            projects: SQLiteProjectRepository(store: store), stacks: SQLiteStackRepository(store: store),
            pipelines: SQLitePipelineRepository(writer: store.database), runs: SQLiteRunRepository(writer: store.database),
            artifacts: SQLiteArtifactRepository(writer: store.database), logs: SQLiteLogsRepository(writer: store.database),
            metadata: SQLiteRunMetadataRepository(store: store), hooks: SQLiteHookInvocationRepository(store: store),
            models: SQLiteModelRepository(store: store), tags: SQLiteTagRepository(store: store),
            ledger: SQLiteIdempotencyLedger(store: store), content: SQLiteArtifactContentRepository(store: store),
            seedDefaults: { try DefaultObjects.ensure(in: store) })
    }
}
