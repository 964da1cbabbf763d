import Agents
import ArtifactStore
import ControlPlane
import Dashboard
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Identity
import Logging
import NIOCore
import NIOSSL
import Prometheus
import Secrets
import ServiceLifecycle
import Storage
import Tracking

/// The domain modules' migrations, in the fixed order they are applied.
let migrationSets = [IdentityMigrations.set, ControlPlaneMigrations.set, TrackingMigrations.set, ArtifactStoreMigrations.set,
                     SecretsMigrations.set, AgentsMigrations.set]

/// Opens (creating if needed) the data folder and the database in it.
func openState(_ configuration: ServerConfiguration) throws -> (StateStore, IdentityStore) {
    try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true,
                                            attributes: [.posixPermissions: 0o700])
    let store = configuration.inMemoryDatabase
        ? try StateStore.inMemory(migrationSets: migrationSets)
        : try StateStore(path: configuration.databasePath, migrationSets: migrationSets)
    let identity = try IdentityStore(store: store, hasher: PasswordHasher(cost: UInt8(configuration.bcryptCost)),
                                     sessionLifetime: configuration.tokenLifetime)
    return (store, identity)
}

/// Builds the whole Enclave server: database, identity, the ZenML API, the MLflow
/// tracking API, `/health` and `/metrics`. Tests build their application with this same function.
///
/// `logSink` is where the process's log lines queue; its dropped-line count is served in `/metrics`.
/// `onListening` gets the bound port once the server accepts connections (useful with port 0).
public func buildApplication(_ configuration: ServerConfiguration, logger: Logger = Logger(label: "enclave"), logSink: LogSink? = nil,
                             onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws -> some ApplicationProtocol {
    try configuration.validate()
    let storage: ServerStorage
    var services: [any Service] = []
    if let url = configuration.databaseURL {
        let database = try await OpenedPostgres.open(configuration, url: url, logger: logger)
        services.append(database.pool)
        do {
            storage = try ServerStorage.postgres(database.store, identity: database.identity, keys: database.keys, configuration: configuration)
        } catch {
            database.pool.close()
            throw error
        }
    } else {
        let keys = try openKeyring(configuration)
        let (store, identity) = try openState(configuration)
        storage = try ServerStorage.sqlite(store, identity: identity, keys: keys, configuration: configuration)
    }
    let identity = storage.identity
    let registry = PrometheusCollectorRegistry()
    try await storage.controlPlane.seed()
    if let objectStore = storage.blobs as? S3BlobStore {
        do {
            try await objectStore.checkReachable()
        } catch let error as ArtifactStoreError {
            throw ConfigurationError("artifact_store \(configuration.artifactStore ?? ""): \(error.message)")
        }
    }
    if let setupToken = try await identity.issueSetupTokenIfInactive() {
        // Deliberate operator output, not a log line: the one way to activate from another host.
        print("""
            Enclave is not activated yet. Create the first admin with `enclave admin create`, or with
            PUT /api/v1/activate from this host, or from another host with this one-time setup token:
                \(setupToken)
            """)
    }
    let router = try buildRouter(configuration, storage: storage, registry: registry, logSink: logSink)

    var server: HTTPServerBuilder = .http1()
    if let certificate = configuration.tlsCertificatePath, let key = configuration.tlsKeyPath {
        let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
        let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        server = try .tls(.http1(), tlsConfiguration: tls)
    }
    return Application(
        router: router,
        server: server,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
        services: services,
        onServerRunning: { channel in await onListening(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
}

/// Every route of the server, with its middleware: `/health`, `/metrics`, the ZenML and MLflow
/// APIs and the dashboard, over `storage`'s repositories.
func buildRouter(_ configuration: ServerConfiguration, storage: ServerStorage,
                 registry: PrometheusCollectorRegistry, logSink: LogSink? = nil) throws -> Router<EnclaveRequestContext> {
    let router = Router(context: EnclaveRequestContext.self)
    router.add(middleware: RequestObservationMiddleware(registry: registry))
    router.add(middleware: FallbackErrorMiddleware())
    router.get("health") { _, _ in
        Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ok")))
    }
    let droppedLogLines = registry.makeGauge(descriptor: .init(
        namespace: "enclave", subsystem: "log", metricName: "dropped_lines", unitName: "total",
        helpText: "Log lines dropped because the log queue was full"))
    let statements = registry.makeGauge(descriptor: .init(
        namespace: "enclave", subsystem: "database", metricName: "statements", unitName: "total",
        helpText: "SQL statements executed since the server started"))
    router.get("metrics") { _, _ in
        droppedLogLines.set(Double(logSink?.droppedLines ?? 0))
        statements.set(Double(storage.statementCount()))
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
    }
    let settings = ControlPlaneSettings(maxBodyBytes: configuration.maxBodyBytes, artifactReads: configuration.artifactReadPolicy)
    let identity = storage.identity
    let runQueue = AgentRunQueue(agents: storage.agents, jobs: storage.agentJobs, failures: storage.controlPlane.triggeredRunFailures,
                                 identity: storage.identity)
    try ZenMLAPI<EnclaveRequestContext>(storage: storage.controlPlane, identity: identity, secrets: storage.secrets, settings: settings,
                                        objects: storage.objectContent, runQueue: runQueue)
        .addRoutes(to: router)
    let agentSettings = AgentSettings(heartbeatSeconds: configuration.agentHeartbeatSeconds, lostRuns: configuration.agentLostRuns,
                                      runTimeoutSeconds: configuration.agentRunTimeoutSeconds)
    AgentsAPI<EnclaveRequestContext>(agents: storage.agents, jobs: storage.agentJobs, outcomes: runQueue, identity: identity,
                                     settings: agentSettings)
        .addRoutes(to: router)
    MLflowAPI<EnclaveRequestContext>(experiments: storage.experiments, runs: storage.runs, loggedModels: storage.loggedModels,
                                     registry: storage.registry, traces: storage.traces, blobs: storage.blobs, identity: identity,
                                     maxBodyBytes: configuration.maxBodyBytes,
                                     scheme: configuration.tlsCertificatePath == nil ? "http" : "https").addRoutes(to: router)
    try Dashboard<EnclaveRequestContext>(identity: identity, pipelines: storage.pipelineCatalog, artifacts: storage.artifactCatalog,
                                         content: storage.artifactContent, models: storage.modelCatalog,
                                         experiments: storage.experiments, runs: storage.runs, registry: storage.registry,
                                         audit: storage.audit, stacks: storage.stackCatalog, secrets: storage.secrets, blobs: storage.blobs,
                                         traces: storage.traces, agents: storage.agents, agentSettings: agentSettings,
                                         snapshotRuns: storage.controlPlane.snapshotRuns(queue: runQueue), agentJobs: storage.agentJobs,
                                         system: SystemFacts(version: EnclaveVersion.current, started: Date(), dataDirectory: configuration.dataDirectory,
                                                             databasePath: configuration.databasePath, artifactDirectory: configuration.artifactDirectory),
                                         secureCookies: configuration.tlsCertificatePath != nil).addRoutes(to: router)
    return router
}

/// The routes the server serves, as `METHOD /path` with captures written `{name}`,
/// read from the router itself so tools (the fuzzer) never work from a list that drifts.
/// Builds the router over a throwaway data folder.
public func servedRoutes() throws -> [String] {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("enclave-routes-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    var configuration = ServerConfiguration()
    configuration.dataDirectory = folder
    configuration.bcryptCost = 4
    let (store, identity) = try openState(configuration)
    let storage = try ServerStorage.sqlite(store, identity: identity, keys: SecretCipher(keyring: .generate()), configuration: configuration)
    let router = try buildRouter(configuration, storage: storage, registry: PrometheusCollectorRegistry())
    return router.routes.map { route in
        let path = route.path.description
        return "\(route.method.rawValue) \(path.hasPrefix("/") ? path : "/" + path)"
    }.sorted()
}

/// Creates the first admin (or another one) in the configuration's database (the data
/// folder's, or PostgreSQL's when `database_url` is set) without a running server, and
/// activates the server. Used by `enclave admin create` and the installer.
public func createAdmin(_ configuration: ServerConfiguration, name: String, password: String) async throws -> String {
    var draft = AccountDraft(name: name, role: .admin)
    draft.password = password
    guard let url = configuration.databaseURL else {
        let (_, identity) = try openState(configuration)
        return try await identity.createAccount(draft, activateServer: true).id
    }
    let database = try await OpenedPostgres.open(configuration, url: url, logger: Logger(label: "enclave.admin"))
    defer { database.pool.close() }
    return try await database.identity.createAccount(draft, activateServer: true).id
}

/// Answers routes nobody matched, and any error outside `/api/v1`, in the same JSON
/// form the ZenML client understands (FastAPI's `{"detail": "Not Found"}` for routing).
struct FallbackErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return ZenMLAPI<EnclaveRequestContext>.errorResponse(for: error, logger: context.logger)
        }
    }
}
