import ArtifactStore
import Hummingbird
import Identity
import Storage

/// The MLflow tracking API (`/api/2.0/mlflow/…`, mirrored under `/ajax-api/2.0/mlflow/…`)
/// for the unchanged `mlflow` client: experiments, runs, params, metrics and tags, every
/// route behind Enclave's identities, every error in MLflow's format.
public struct MLflowAPI<Context: TrackingRequestContext> {
    let experiments: any ExperimentRepository
    let runs: any RunRepository
    let loggedModels: any LoggedModelRepository
    let registry: any ModelRegistryRepository
    let traces: any TraceRepository
    let blobs: any MultipartBlobStore
    let identity: IdentityStore
    let maxBodyBytes: Int
    let parts: MultipartPartSigner
    /// The path prefixes the API answers under.
    public static var prefixes: [String] { ["api/2.0/mlflow", "ajax-api/2.0/mlflow"] }

    /// The API over the SQLite repositories of `store` and the artifact store `blobs`;
    /// `scheme` is how clients reach the server (`http` or `https`).
    public init(store: StateStore, blobs: any MultipartBlobStore, identity: IdentityStore, maxBodyBytes: Int, scheme: String) {
        self.init(experiments: SQLiteExperimentRepository(store: store), runs: SQLiteRunRepository(store: store),
                  loggedModels: SQLiteLoggedModelRepository(store: store), registry: SQLiteModelRegistryRepository(store: store),
                  traces: SQLiteTraceRepository(store: store), blobs: blobs, identity: identity, maxBodyBytes: maxBodyBytes, scheme: scheme)
    }

    /// The API over any repositories (another database can bring its own).
    public init(experiments: any ExperimentRepository, runs: any RunRepository, loggedModels: any LoggedModelRepository,
                registry: any ModelRegistryRepository, traces: any TraceRepository, blobs: any MultipartBlobStore,
                identity: IdentityStore, maxBodyBytes: Int, scheme: String) {
        self.experiments = experiments
        self.runs = runs
        self.loggedModels = loggedModels
        self.registry = registry
        self.traces = traces
        self.blobs = blobs
        self.identity = identity
        self.maxBodyBytes = maxBodyBytes
        parts = MultipartPartSigner(scheme: scheme)
    }

    /// Adds every MLflow route under both prefixes.
    public func addRoutes(to router: Router<Context>) {
        for prefix in Self.prefixes {
            let group = guarded(router, prefix)
            ExperimentController<Context>(experiments: experiments, maxBodyBytes: maxBodyBytes).addRoutes(to: group)
            RunController<Context>(runs: runs, experiments: experiments, maxBodyBytes: maxBodyBytes).addRoutes(to: group)
            LoggedModelController<Context>(models: loggedModels, experiments: experiments, maxBodyBytes: maxBodyBytes).addRoutes(to: group)
            RegisteredModelController<Context>(registry: registry, maxBodyBytes: maxBodyBytes).addRoutes(to: group)
            ModelVersionController<Context>(registry: registry, sources: ModelVersionSource(runs: runs, models: loggedModels),
                                            maxBodyBytes: maxBodyBytes).addRoutes(to: group)
            traceController.addSharedRoutes(to: group)
        }
        for prefix in ["api/3.0/mlflow", "ajax-api/3.0/mlflow"] {
            let group = guarded(router, prefix)
            ServerInfoController<Context>().addInfoRoute(to: group)
            traceController.addV3Routes(to: group)
        }
        let owners = ArtifactOwners(runs: runs, models: loggedModels, traces: traces)
        for prefix in ArtifactController<Context>.prefixes {
            ArtifactController<Context>(blobs: blobs, parts: parts, owners: owners).addRoutes(to: guarded(router, prefix))
        }
        traceController.addOTLPRoute(to: guarded(router, "v1"))
        ServerInfoController<Context>().addVersionRoute(to: guarded(router, "version"))
    }

    var traceController: TraceController<Context> {
        TraceController<Context>(traces: traces, experiments: experiments, maxBodyBytes: maxBodyBytes)
    }

    /// A route group under `prefix` behind MLflow's error format and Enclave's credentials.
    /// Paths under it that no route serves answer ENDPOINT_NOT_FOUND in MLflow's format
    /// (after the credential check, so they reveal nothing unauthenticated).
    func guarded(_ router: Router<Context>, _ prefix: String) -> RouterGroup<Context> {
        let group = router.group(RouterPath(prefix))
            .add(middleware: MLflowErrorMiddleware<Context>())
            .add(middleware: MLflowAuthMiddleware<Context>(identity: identity, parts: parts))
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
            group.on("**", method: method) { request, _ -> Response in
                throw TrackingError.endpointNotFound("No API endpoint \(request.method) \(TrackingRules.printable(request.uri.path)) in this server.")
            }
        }
        return group
    }
}
