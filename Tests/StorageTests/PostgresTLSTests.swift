import PostgresNIO
import PostgresTesting
import Storage
import Testing

/// `sslmode` and `sslrootcert` against the cluster `make test` starts with TLS on (its
/// certificate, from a throwaway authority, names `localhost` only): each mode connects as
/// libpq's would, and a certificate from another authority or for another name is refused
/// at once by `probe()`, with the reason.
@Suite(.enabled(if: TestPostgres.enabled))
struct PostgresTLSTests {
    /// Whether the pool's connection for `url` is encrypted, by the server's own account.
    func encrypted(_ url: String) async throws -> Bool? {
        let store = PostgresStore(url: try DatabaseURL.parse(url), password: TestPostgres.settings?.password, maximumConnections: 1)
        try await store.probe()
        let running = Task { await store.run() }
        defer { running.cancel() }
        return try await store.rows("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").first?.decode(Bool.self)
    }

    /// The reason `probe()` gives for `url`, nil when it connects.
    func refusal(_ url: String) async throws -> String? {
        let store = PostgresStore(url: try DatabaseURL.parse(url), password: TestPostgres.settings?.password, maximumConnections: 1)
        do {
            try await store.probe()
            return nil
        } catch let error as PSQLError {
            return String(reflecting: error.underlying ?? error)
        }
    }

    @Test func eachModeConnectsAsLibpqsWouldAndRefusesWhatItMustNot() async throws {
        let settings = try #require(TestPostgres.settings)
        let ca = try #require(TestPostgres.certificateAuthority), other = try #require(TestPostgres.otherCertificateAuthority)
        let port = settings.url.port, user = settings.url.user
        func url(_ host: String, _ query: String) -> String { "postgresql://\(user)@\(host):\(port)/postgres?\(query)" }
        #expect(try await encrypted(url("127.0.0.1", "sslmode=disable")) == false)
        #expect(try await encrypted(url("127.0.0.1", "sslmode=prefer")) == true)
        #expect(try await encrypted(url("127.0.0.1", "sslmode=require")) == true)
        #expect(try await encrypted(url("localhost", "sslmode=verify-full&sslrootcert=\(ca)")) == true)
        #expect(try await encrypted(url("127.0.0.1", "sslmode=verify-ca&sslrootcert=\(ca)")) == true)
        // Refused: the name (the certificate is for localhost), the authority, the system's
        // trust store (which never heard of this authority).
        #expect(try await refusal(url("127.0.0.1", "sslmode=verify-full&sslrootcert=\(ca)"))?.contains("failedToValidateHostname") == true)
        for refused in [url("localhost", "sslmode=verify-full&sslrootcert=\(other)"), url("localhost", "sslmode=verify-ca&sslrootcert=\(other)"),
                        url("localhost", "sslmode=verify-full")] {
            #expect(try await refusal(refused)?.contains("CERTIFICATE_VERIFY_FAILED") == true, "\(refused)")
        }
        // A wrong password is refused at once too, and the reason never holds the password tried.
        let wrong = PostgresStore(url: try DatabaseURL.parse(url("127.0.0.1", "sslmode=require")), password: "not-the-password-42", maximumConnections: 1)
        let error = await #expect(throws: PSQLError.self) { try await wrong.probe() }
        #expect(!String(reflecting: error as Any).contains("not-the-password-42"))
    }
}
