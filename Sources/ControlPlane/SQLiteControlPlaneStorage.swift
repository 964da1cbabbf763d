import Identity
@_spi(SQLiteImplementation) import Storage

extension ControlPlaneStorage {
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
            seedDefaults: { try SQLiteDefaultObjects.ensure(in: store) })
    }
}
