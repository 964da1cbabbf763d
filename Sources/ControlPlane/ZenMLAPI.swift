import Logging
import Hummingbird
import Identity
import Secrets
import Storage

/// The ZenML 0.98.0-compatible control-plane API at `/api/v1`: what the unchanged
/// `zenml` CLI and SDK talk to. Errors leave in ZenML's `{"detail": [...]}` format.
public struct ZenMLAPI<Context: ControlPlaneRequestContext>: Sendable {
    let endpoints: Endpoints
    let bodySchemas: RequestSchemaValidator
    let secrets: SecretStore?

    /// Creates the API over the state store, identity system and secret store (without one,
    /// `/secrets` is not served); seeds the default project, flavors and stack if missing.
    public init(store: StateStore, identity: IdentityStore, secrets: SecretStore? = nil, settings: ControlPlaneSettings = ControlPlaneSettings()) throws {
        try DefaultObjects.ensure(in: store)
        self.secrets = secrets
        endpoints = Endpoints(store: store, identity: identity, settings: settings, ledger: IdempotencyLedger(store: store),
                              secretsStoreType: secrets?.kind ?? "none")
        bodySchemas = try RequestSchemaValidator.zenml()
    }

    /// Adds every `/api/v1` route to `router`.
    public func addRoutes(to router: Router<Context>) {
        let api = router.group("api/v1").add(middleware: ZenMLErrorMiddleware<Context>())
        let bodyCheck = RequestSchemaMiddleware<Context>(validator: bodySchemas, limit: endpoints.settings.maxBodyBytes)
        let auth = AuthController<Context>(endpoints: endpoints)
        auth.addPublicRoutes(to: api.group().add(middleware: bodyCheck))
        let secured = api.group()
            .add(middleware: ZenMLAuthMiddleware<Context>(identity: endpoints.identity))
            .add(middleware: bodyCheck)
        auth.addRoutes(to: secured)
        UserController<Context>(endpoints: endpoints).addRoutes(to: secured)
        ServiceAccountController<Context>(endpoints: endpoints).addRoutes(to: secured)
        ProjectController<Context>(endpoints: endpoints, projects: SQLiteProjectRepository(store: endpoints.store)).addRoutes(to: secured)
        let stacks = SQLiteStackRepository(store: endpoints.store)
        StackController<Context>(endpoints: endpoints, stacks: stacks).addRoutes(to: secured)
        ComponentController<Context>(endpoints: endpoints, stacks: stacks).addRoutes(to: secured)
        PipelineController<Context>(endpoints: endpoints, pipelines: SQLitePipelineRepository(writer: endpoints.store.pool)).addRoutes(to: secured)
        let runs = SQLiteRunRepository(writer: endpoints.store.pool)
        RunController<Context>(endpoints: endpoints, runs: runs).addRoutes(to: secured)
        StepRunController<Context>(endpoints: endpoints, runs: runs).addRoutes(to: secured)
        ArtifactController<Context>(endpoints: endpoints, artifacts: SQLiteArtifactRepository(writer: endpoints.store.pool)).addRoutes(to: secured)
        LogsController<Context>(endpoints: endpoints, logs: SQLiteLogsRepository(writer: endpoints.store.pool)).addRoutes(to: secured)
        RunMetadataController<Context>(endpoints: endpoints, metadata: SQLiteRunMetadataRepository(store: endpoints.store))
            .addRoutes(to: secured)
        HookInvocationController<Context>(endpoints: endpoints, invocations: SQLiteHookInvocationRepository(store: endpoints.store))
            .addRoutes(to: secured)
        ModelController<Context>(endpoints: endpoints, models: SQLiteModelRepository(store: endpoints.store)).addRoutes(to: secured)
        TagController<Context>(endpoints: endpoints, tags: SQLiteTagRepository(store: endpoints.store)).addRoutes(to: secured)
        DeviceController<Context>(endpoints: endpoints).addRoutes(to: secured)
        ContentController<Context>(endpoints: endpoints, artifacts: ArtifactContent(store: endpoints.store, policy: endpoints.settings.artifactReads))
            .addRoutes(to: secured)
        if let secrets {
            SecretController<Context>(endpoints: endpoints, secrets: secrets).addRoutes(to: secured)
            // Enclave's own admin routes live outside ZenML's `/api/v1`, with the same auth and errors.
            let enclave = router.group("api/enclave").add(middleware: ZenMLErrorMiddleware<Context>())
                .add(middleware: ZenMLAuthMiddleware<Context>(identity: endpoints.identity))
            AuditController<Context>(secrets: secrets).addRoutes(to: enclave)
        }
    }

    /// The ZenML-format answer for any error, for errors raised outside the `/api/v1` group.
    public static func errorResponse(for error: any Error, logger: Logger) -> Response {
        ZenMLErrorMiddleware<Context>.response(for: error, logger: logger)
    }
}
