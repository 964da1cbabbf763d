import Foundation
import Logging
import PostgresNIO
import Storage

/// The throwaway PostgreSQL cluster `make test` starts (`Tests/Services/postgres.sh`), as the
/// test suites reach it: a fresh, empty database per test. Without the cluster the suites
/// that need it are off on a developer's machine and fail on CI.
public enum TestPostgres {
    /// The cluster's URL and password, from `ENCLAVE_TEST_DATABASE_URL` and
    /// `ENCLAVE_TEST_DATABASE_PASSWORD_FILE`; nil when it is not running.
    public static let settings: (url: DatabaseURL, password: String?)? = {
        let env = ProcessInfo.processInfo.environment
        guard let text = env["ENCLAVE_TEST_DATABASE_URL"], let url = try? DatabaseURL.parse(text) else { return nil }
        return (url, try? DatabaseURL.password(file: env["ENCLAVE_TEST_DATABASE_PASSWORD_FILE"], environment: [:]))
    }()

    /// The authority that signed the cluster's certificate (for the name `localhost` only), and
    /// one that signed nothing of it, from `ENCLAVE_TEST_DATABASE_CA` / `_OTHER_CA`.
    public static let certificateAuthority = ProcessInfo.processInfo.environment["ENCLAVE_TEST_DATABASE_CA"]
    public static let otherCertificateAuthority = ProcessInfo.processInfo.environment["ENCLAVE_TEST_DATABASE_OTHER_CA"]

    /// Whether suites needing PostgreSQL run: when the cluster is there, and always on CI
    /// (where its absence must fail, not pass by skipping).
    public static let enabled = settings != nil || ProcessInfo.processInfo.environment["CI"] != nil

    /// A new empty database on the cluster with a running store on it; `drop()` it after.
    public static func freshDatabase(maximumConnections: Int = 10) async throws -> TestDatabase {
        guard let settings else {
            throw DatabaseSettingError("PostgreSQL is not running: run the tests through `make test` (Tests/Services/with-services.sh)")
        }
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await withAdmin(settings) { try await $0.client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)")) }
        let url = DatabaseURL(host: settings.url.host, port: settings.url.port, user: settings.url.user, database: name, tls: .disable)
        return TestDatabase(name: name, store: PostgresStore(url: url, password: settings.password, maximumConnections: maximumConnections))
    }

    /// Runs `body` with a store on the cluster's `postgres` database.
    static func withAdmin(_ settings: (url: DatabaseURL, password: String?), _ body: (PostgresStore) async throws -> Void) async throws {
        let admin = PostgresStore(url: DatabaseURL(host: settings.url.host, port: settings.url.port, user: settings.url.user, database: "postgres",
                                                   tls: .disable), password: settings.password, maximumConnections: 1)
        let running = Task { await admin.run() }
        defer { running.cancel() }
        try await body(admin)
    }
}

/// One test's database: its store, running until `drop()` removes the database.
public final class TestDatabase: Sendable {
    public let name: String
    public let store: PostgresStore
    let running: Task<Void, Never>

    init(name: String, store: PostgresStore) {
        self.name = name
        self.store = store
        running = Task { await store.run() }
    }

    /// A second store on the same database, as another replica would open it.
    public func anotherStore(maximumConnections: Int = 4) -> (PostgresStore, Task<Void, Never>) {
        let other = PostgresStore(url: store.url, password: TestPostgres.settings?.password, maximumConnections: maximumConnections)
        return (other, Task { await other.run() })
    }

    /// Closes the store and removes the database.
    public func drop() async {
        running.cancel()
        guard let settings = TestPostgres.settings else { return }
        try? await TestPostgres.withAdmin(settings) { try await $0.client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")) }
    }
}
