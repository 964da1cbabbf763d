import Identity
import PostgresNIO
import Storage

extension ControlPlaneStorage {
    /// Every repository on PostgreSQL in `store` (shared by every replica); users are read
    /// through `identity`. The migrations of `ControlPlaneMigrations.postgres` must have run.
    public static func postgres(_ store: PostgresStore, identity: IdentityStore) -> ControlPlaneStorage {
        ControlPlaneStorage(
            reads: PostgresResourceReader(store: store, accounts: identity),
            projects: PostgresProjectRepository(store: store), stacks: PostgresStackRepository(store: store),
            pipelines: PostgresPipelineRepository(store: store), runs: PostgresRunRepository(store: store),
            artifacts: PostgresArtifactRepository(store: store), logs: PostgresLogsRepository(store: store),
            metadata: PostgresRunMetadataRepository(store: store), hooks: PostgresHookInvocationRepository(store: store),
            models: PostgresModelRepository(store: store), tags: PostgresTagRepository(store: store),
            ledger: PostgresIdempotencyLedger(store: store), content: PostgresArtifactContentRepository(store: store),
            seedDefaults: { try await PostgresDefaultObjects.ensure(in: store) })
    }
}

extension ArtifactContent {
    /// Content of the control plane's artifact versions and logs in PostgreSQL's `store`,
    /// read under `policy`, and from the S3 stores `objects` allows (none when nil).
    public init(store: PostgresStore, policy: ArtifactReadPolicy, objects: (any ObjectStoreContent)? = nil) {
        self.init(content: PostgresArtifactContentRepository(store: store), reader: ArtifactContentReader(policy: policy), objects: objects)
    }
}
