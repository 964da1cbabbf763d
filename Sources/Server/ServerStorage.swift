import Agents
import ArtifactStore
import ControlPlane
import Identity
import Secrets
import Tracking

/// Every module's storage the server is built on: what `buildRouter` wires into the ZenML
/// and MLflow APIs and the dashboard. `ServerStorage.sqlite` builds it over the state file;
/// another engine's bundle stands in without touching a route.
struct ServerStorage: Sendable {
    let identity: IdentityStore
    let controlPlane: ControlPlaneStorage
    let secrets: SecretStore
    let blobs: any MultipartBlobStore
    let experiments: any ExperimentRepository
    let runs: any RunRepository
    let loggedModels: any LoggedModelRepository
    let registry: any ModelRegistryRepository
    let traces: any TraceRepository
    let pipelineCatalog: any PipelineCatalog
    let artifactCatalog: any ArtifactCatalog
    let modelCatalog: any ModelCatalog
    let stackCatalog: any StackCatalog
    let artifactContent: ArtifactContent
    /// The S3 locations ZenML content may be read from (nil: none).
    let objectContent: (any ObjectStoreContent)?
    let audit: any AuditTrail
    /// The agents in the compute zone.
    let agents: any AgentRepository
    /// The runs queued for those agents.
    let agentJobs: any AgentJobRepository
    /// Statements the database has run, for `/metrics`.
    let statementCount: @Sendable () -> Int
}
