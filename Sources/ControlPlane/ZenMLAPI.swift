import Logging
import Hummingbird
import Identity
import Secrets
import Storage

/// The ZenML 0.98.0-compatible control-plane API at `/api/v1`: what the unchanged
/// `zenml` CLI and SDK talk to. Errors leave in ZenML's `{"detail": [...]}` format.
public struct ZenMLAPI<Context: ControlPlaneRequestContext>: Sendable {
    let endpoints: Endpoints
    let storage: ControlPlaneStorage
    let bodySchemas: RequestSchemaValidator
    let secrets: SecretStore?
    let objects: (any ObjectStoreContent)?
    let runQueue: (any SnapshotRunQueue)?

    /// Creates the API over its storage, the identity system and the secret store (without
    /// one, `/secrets` is not served), reading S3 artifact stores' content through `objects`
    /// (none when nil) and handing snapshots run from the server to `runQueue` (without one,
    /// running a snapshot is answered as ZenML's server without a workload manager does).
    /// The storage must have been seeded (`ControlPlaneStorage.seed()`).
    public init(storage: ControlPlaneStorage, identity: IdentityStore, secrets: SecretStore? = nil,
                settings: ControlPlaneSettings = ControlPlaneSettings(), objects: (any ObjectStoreContent)? = nil,
                runQueue: (any SnapshotRunQueue)? = nil) throws {
        self.storage = storage
        self.runQueue = runQueue
        self.objects = objects
        self.secrets = secrets
        endpoints = Endpoints(reads: storage.reads, identity: identity, settings: settings, ledger: storage.ledger,
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
        ProjectController<Context>(endpoints: endpoints, projects: storage.projects).addRoutes(to: secured)
        StackController<Context>(endpoints: endpoints, stacks: storage.stacks).addRoutes(to: secured)
        ComponentController<Context>(endpoints: endpoints, stacks: storage.stacks).addRoutes(to: secured)
        PipelineController<Context>(endpoints: endpoints, pipelines: storage.pipelines).addRoutes(to: secured)
        RunController<Context>(endpoints: endpoints, runs: storage.runs, snapshotRuns: runQueue.map { storage.snapshotRuns(queue: $0) })
            .addRoutes(to: secured)
        if let runQueue {
            SnapshotRunController<Context>(endpoints: endpoints, snapshotRuns: storage.snapshotRuns(queue: runQueue)).addRoutes(to: secured)
        }
        StepRunController<Context>(endpoints: endpoints, runs: storage.runs).addRoutes(to: secured)
        ArtifactController<Context>(endpoints: endpoints, artifacts: storage.artifacts).addRoutes(to: secured)
        LogsController<Context>(endpoints: endpoints, logs: storage.logs).addRoutes(to: secured)
        RunMetadataController<Context>(endpoints: endpoints, metadata: storage.metadata).addRoutes(to: secured)
        HookInvocationController<Context>(endpoints: endpoints, invocations: storage.hooks).addRoutes(to: secured)
        ModelController<Context>(endpoints: endpoints, models: storage.models).addRoutes(to: secured)
        TagController<Context>(endpoints: endpoints, tags: storage.tags).addRoutes(to: secured)
        DeviceController<Context>(endpoints: endpoints).addRoutes(to: secured)
        ContentController<Context>(endpoints: endpoints,
                                   artifacts: ArtifactContent(content: storage.content, reader: ArtifactContentReader(policy: endpoints.settings.artifactReads),
                                                              objects: objects))
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
