import Hummingbird
import Identity
import Storage

/// The MLflow tracking API (`/api/2.0/mlflow/…`, mirrored under `/ajax-api/2.0/mlflow/…`)
/// for the unchanged `mlflow` client: experiments, runs, params, metrics and tags, every
/// route behind Enclave's identities, every error in MLflow's format.
public struct MLflowAPI<Context: TrackingRequestContext> {
    let experiments: any ExperimentRepository
    let runs: any RunRepository
    let identity: IdentityStore
    let maxBodyBytes: Int
    /// The path prefixes the API answers under.
    public static var prefixes: [String] { ["api/2.0/mlflow", "ajax-api/2.0/mlflow"] }

    /// The API over the SQLite repositories of `store`.
    public init(store: StateStore, identity: IdentityStore, maxBodyBytes: Int) {
        self.init(experiments: SQLiteExperimentRepository(store: store), runs: SQLiteRunRepository(store: store),
                  identity: identity, maxBodyBytes: maxBodyBytes)
    }

    /// The API over any repositories (another database can bring its own).
    public init(experiments: any ExperimentRepository, runs: any RunRepository, identity: IdentityStore, maxBodyBytes: Int) {
        self.experiments = experiments
        self.runs = runs
        self.identity = identity
        self.maxBodyBytes = maxBodyBytes
    }

    /// Adds every MLflow route under both prefixes.
    public func addRoutes(to router: Router<Context>) {
        for prefix in Self.prefixes {
            let group = router.group(RouterPath(prefix))
                .add(middleware: MLflowErrorMiddleware<Context>())
                .add(middleware: MLflowAuthMiddleware<Context>(identity: identity))
            ExperimentController<Context>(experiments: experiments, maxBodyBytes: maxBodyBytes).addRoutes(to: group)
            RunController<Context>(runs: runs, experiments: experiments, maxBodyBytes: maxBodyBytes).addRoutes(to: group)
        }
    }
}
