import Logging
import NIOSSL
import PostgresNIO

/// The PostgreSQL database every module's PostgreSQL repositories share: one pool of
/// connections (postgres-nio's `PostgresClient`, run under service-lifecycle), and the
/// migrations of every module applied once however many replicas start together.
public final class PostgresStore: Sendable {
    public let client: PostgresClient
    public let url: DatabaseURL
    /// Where the pool and the queries of every module log.
    public let logger: Logger
    /// Kept for `probe()`'s own connection; never logged or shown.
    let password: String?
    /// Statements run through `rows` (every repository's reads and writes), for `/metrics`.
    public let statements = StatementCounter()

    /// A pool for `url`, signing in with `password` (nil: the server needs none), at most
    /// `maximumConnections` open. Nothing connects until `run()` runs.
    public init(url: DatabaseURL, password: String?, maximumConnections: Int = 20, logger: Logger = Logger(label: "enclave.postgres")) {
        let tls: PostgresClient.Configuration.TLS
        switch Self.tls(url) {
        case nil: tls = .disable
        case let (configuration, required)?: tls = required ? .require(configuration) : .prefer(configuration)
        }
        var configuration = PostgresClient.Configuration(host: url.host, port: url.port, username: url.user, password: password,
                                                         database: url.database, tls: tls)
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(10)
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.url = url
        self.logger = logger
        self.password = password
    }

    /// Opens one connection as the pool would and closes it again, so a wrong password, an
    /// unreachable host or a refused certificate is an error now, with its reason: the pool
    /// itself retries such failures quietly, and its queries would wait instead.
    public func probe() async throws {
        let tls: PostgresConnection.Configuration.TLS
        switch Self.tls(url) {
        case nil: tls = .disable
        case let (configuration, required)?:
            let context = try NIOSSLContext(configuration: configuration)
            tls = required ? .require(context) : .prefer(context)
        }
        var configuration = PostgresConnection.Configuration(host: url.host, port: url.port, username: url.user, password: password,
                                                             database: url.database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        try await connection.close()
    }

    /// Keeps the pool open until the task is cancelled (the service-lifecycle `Service` call).
    public func run() async { await client.run() }

    /// Every row `query` answers, read into memory (for the small answers repositories read).
    public func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        statements.increment()
        var rows: [PostgresRow] = []
        for try await row in try await client.query(query, logger: logger) { rows.append(row) }
        return rows
    }

    /// Every row `query` answers on `connection` (inside a `transaction`), read into memory.
    public func rows(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> [PostgresRow] {
        statements.increment()
        var rows: [PostgresRow] = []
        for try await row in try await connection.query(query, logger: logger) { rows.append(row) }
        return rows
    }

    /// Runs `body` on one pooled connection outside a transaction: several reads that belong
    /// together without paying for BEGIN and COMMIT.
    public func withConnection<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await client.withConnection { connection in try await body(connection) }
    }

    /// Runs `body` in one read-only transaction that sees one snapshot of the database
    /// (REPEATABLE READ): a page and the relations it names agree, as SQLite's reads do.
    public func snapshot<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await client.withConnection { connection in
            try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            do {
                let result = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// Runs `body` in one transaction on one connection; its own error comes out as thrown
    /// (not wrapped in postgres-nio's transaction error), so callers map constraint errors.
    public func transaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error.commitError ?? error.beginError ?? error
        }
    }

    /// The TLS the URL's `sslmode` asks for, and whether it is required: none (`disable`), TLS
    /// when offered or required without checks (`prefer`, `require`), or required and checked
    /// against `sslrootcert` (else the system's trust store), with the host name for `verify-full`.
    static func tls(_ url: DatabaseURL) -> (configuration: TLSConfiguration, required: Bool)? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch url.tls {
        case .disable: return nil
        case .prefer, .require:
            configuration.certificateVerification = .none
            return (configuration, url.tls == .require)
        case .verifyCA, .verifyFull:
            configuration.certificateVerification = url.tls == .verifyFull ? .fullVerification : .noHostnameVerification
            if let path = url.rootCertificatePath { configuration.trustRoots = .file(path) }
            return (configuration, true)
        }
    }

    /// Applies every migration of `sets` not applied yet, in order, in one transaction
    /// holding a transaction-level advisory lock: replicas starting together wait for each
    /// other and the second finds nothing to do. A database holding migrations this binary
    /// does not know (a newer Enclave migrated it) is refused before anything changes.
    public func migrate(_ sets: [PostgresMigrationSet]) async throws {
        let known = sets.flatMap { set in set.migrations.map { (set.module + "." + $0.name, $0) } }
        do {
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS enclave_migrations (
                        identifier TEXT PRIMARY KEY,
                        applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                    )
                    """, logger: logger)
                var applied = Set<String>()
                for try await identifier in try await connection.query("SELECT identifier FROM enclave_migrations", logger: logger).decode(String.self) {
                    applied.insert(identifier)
                }
                let unknown = applied.subtracting(known.map(\.0)).sorted()
                guard unknown.isEmpty else { throw StorageError.schemaNewerThanBinary(path: url.description, unknownMigrations: unknown) }
                for (identifier, migration) in known where !applied.contains(identifier) {
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query("INSERT INTO enclave_migrations (identifier) VALUES (\(identifier))", logger: logger)
                }
            }
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error.commitError ?? error.beginError ?? error
        }
    }

    /// The advisory lock every Enclave migration takes: a fixed 64-bit key ("enclave!").
    static let migrationLock: Int64 = 0x656E_636C_6176_6521
}

extension PostgresStore {
    /// Hands every row `query` answers on `connection` to `body` as it arrives, for answers
    /// too large to hold (a whole table read back for verification).
    public func forEachRow(_ query: PostgresQuery, on connection: PostgresConnection,
                           _ body: (PostgresRow) throws -> Void) async throws {
        statements.increment()
        for try await row in try await connection.query(query, logger: logger) { try body(row) }
    }
}
