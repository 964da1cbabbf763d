import Agents
import ArtifactStore
import ControlPlane
import Foundation
import Identity
import Logging
import Secrets
import ServiceLifecycle
import Storage
import Tracking

/// The domain modules' PostgreSQL migrations, in the fixed order they are applied.
let postgresMigrationSets = [IdentityMigrations.postgres, ControlPlaneMigrations.postgres, TrackingMigrations.postgres,
                             ArtifactStoreMigrations.postgres, SecretsMigrations.postgres, AgentsMigrations.postgres]

extension ServerStorage {
    /// Every module's PostgreSQL repositories over `store`, shared by every replica, the
    /// artifact store the configuration names, and the secret store sealed with `keys`.
    static func postgres(_ store: PostgresStore, identity: IdentityStore, keys: any CipherSource,
                         configuration: ServerConfiguration) throws -> ServerStorage {
        let objects = try allowedObjectContent(configuration)
        let audit = PostgresAuditTrail(store: store)
        let secrets = SecretStore(records: PostgresSecretRepository(store: store),
                                  backend: EncryptedSecretBackend(values: PostgresSealedValueRepository(store: store), keys: keys), audit: audit)
        return ServerStorage(
            identity: identity, controlPlane: .postgres(store, identity: identity), secrets: secrets,
            blobs: try artifactStore(configuration, index: PostgresBlobIndex(store: store)),
            experiments: PostgresExperimentRepository(store: store), runs: PostgresRunRepository(store: store),
            loggedModels: PostgresLoggedModelRepository(store: store), registry: PostgresModelRegistryRepository(store: store),
            traces: PostgresTraceRepository(store: store),
            pipelineCatalog: PostgresPipelineCatalog(store: store, identity: identity), artifactCatalog: PostgresArtifactCatalog(store: store),
            modelCatalog: PostgresModelCatalog(store: store), stackCatalog: PostgresStackCatalog(store: store),
            artifactContent: ArtifactContent(store: store, policy: configuration.artifactReadPolicy, objects: objects), objectContent: objects,
            audit: audit, agents: PostgresAgentRepository(store: store),
            agentJobs: PostgresAgentJobRepository(store: store), statementCount: { store.statements.value })
    }
}

/// A PostgreSQL database opened for the server: its pool (already running, so migrations
/// and seeding can run before the server listens) and the service that closes the pool
/// when the server shuts down.
struct OpenedPostgres {
    let store: PostgresStore
    let identity: IdentityStore
    let keys: KeyringFile
    let pool: PostgresPool

    /// Connects to the configuration's database (the password from its file or credential),
    /// refuses a wrong password, host or certificate at once, applies the migrations every
    /// replica agrees on, and opens Identity and the keyring over it.
    static func open(_ configuration: ServerConfiguration, url text: String, logger: Logger,
                     environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> OpenedPostgres {
        let (store, pool) = try await connect(url: text, passwordFile: configuration.databasePasswordFile, logger: logger, environment: environment)
        do {
            let identity = try await IdentityStore.open(repository: PostgresIdentityRepository(store: store),
                                                        hasher: PasswordHasher(cost: UInt8(configuration.bcryptCost)),
                                                        sessionLifetime: configuration.tokenLifetime)
            let location = configuration.keyringLocation(environment: environment)
            try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            let keys = try KeyringGate.open(path: location.path, samples: try await PostgresSealedValueRepository(store: store).samplePerKey(),
                                            mayCreate: !location.isCredential)
            return OpenedPostgres(store: store, identity: identity, keys: keys, pool: pool)
        } catch {
            pool.close()
            throw Self.explained(error, url: store.url)
        }
    }

    /// Connects to the database at `text` (the password from `passwordFile` or the
    /// credential), refusing a wrong password, host or certificate at once, and applies the
    /// migrations every replica agrees on: the database as the server and the offline commands find it.
    static func connect(url text: String, passwordFile: String?, logger: Logger, maximumConnections: Int = 20,
                        environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> (PostgresStore, PostgresPool) {
        let url: DatabaseURL, password: String?
        do {
            url = try DatabaseURL.parse(text)
            password = try DatabaseURL.password(file: passwordFile, environment: environment)
        } catch let error as DatabaseSettingError {
            throw ConfigurationError("database: \(error.description)")
        }
        let store = PostgresStore(url: url, password: password, maximumConnections: maximumConnections, logger: logger)
        let pool = PostgresPool(store: store)
        do {
            try await store.probe()
            try await store.migrate(postgresMigrationSets)
            return (store, pool)
        } catch {
            pool.close()
            throw Self.explained(error, url: url)
        }
    }

    /// A connection failure as an operator reads it (which database, and why), never with the password.
    static func explained(_ error: any Error, url: DatabaseURL) -> any Error {
        if error is ConfigurationError || error is SecretsError || error is StorageError || error is TransferError { return error }
        return ConfigurationError("database \(url): \(String(reflecting: error).prefix(300))")
    }
}

/// Keeps the PostgreSQL pool running for the server's life and closes it on shutdown.
final class PostgresPool: Service, Sendable {
    let running: Task<Void, Never>

    init(store: PostgresStore) { running = Task { await store.run() } }

    func run() async throws {
        try? await gracefulShutdown()
        close()
        await running.value
    }

    /// Stops the pool (its connections close).
    func close() { running.cancel() }
}
