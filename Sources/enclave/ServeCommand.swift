import ArgumentParser
import Foundation
import Logging
import Server

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the server.",
        discussion: "Settings come from --config FILE (JSON), then ENCLAVE_HOST, ENCLAVE_PORT, ENCLAVE_DATA_DIR, then flags."
    )

    @Option(help: "Address to listen on (default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (default 8080; 0 picks a free one).") var port: Int?
    @Option(name: .customLong("data-dir"), help: "Data folder (default ./.enclave).") var dataDirectory: String?
    @Option(help: "JSON config file with keys host, port, data_dir, tls_cert, tls_key, max_body_bytes, bcrypt_cost, token_lifetime, agent_heartbeat_seconds, log_level, secrets_keyring, artifact_read_roots, artifact_store, database_url, database_password_file.")
    var config: String?
    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain; serves HTTPS with --tls-key.") var tlsCertificate: String?
    @Option(name: .customLong("tls-key"), help: "PEM private key for --tls-cert.") var tlsKey: String?
    @Option(name: .customLong("artifact-read-root"),
            help: "A directory, or an s3://BUCKET/PREFIX location, the server may read visualizations and step logs from (repeatable; adds to artifact_read_roots).")
    var artifactReadRoots: [String] = []
    @Option(name: .customLong("artifact-store"),
            help: "Keep artifacts on an S3-compatible store, s3://BUCKET/PREFIX; endpoint, region and keys from ENCLAVE_S3_ENDPOINT (or AWS_ENDPOINT_URL), AWS_REGION and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_SHARED_CREDENTIALS_FILE.")
    var artifactStore: String?
    @Option(name: .customLong("database-url"),
            help: "Keep state in PostgreSQL, shared by every replica: postgresql://USER@HOST:PORT/DB[?sslmode=verify-full&sslrootcert=/path/ca.pem]. Never put the password here.")
    var databaseURL: String?
    @Option(name: .customLong("database-password-file"),
            help: "File (mode 600) holding the database password; default: the systemd credential enclave-database, if the unit passes one.")
    var databasePasswordFile: String?

    func run() async throws {
        var settings = ServerConfiguration()
        do {
            if let config { try settings.apply(configFile: config) }
            try settings.apply(environment: ProcessInfo.processInfo.environment)
            if let host { settings.host = host }
            if let port { try settings.set("port", value: String(port), source: "--port") }
            if let dataDirectory { settings.dataDirectory = dataDirectory }
            if let tlsCertificate { settings.tlsCertificatePath = tlsCertificate }
            if let tlsKey { settings.tlsKeyPath = tlsKey }
            if let artifactStore { try settings.set("artifact_store", value: artifactStore, source: "--artifact-store") }
            if let databaseURL { try settings.set("database_url", value: databaseURL, source: "--database-url") }
            if let databasePasswordFile { try settings.set("database_password_file", value: databasePasswordFile, source: "--database-password-file") }
            if !artifactReadRoots.isEmpty {
                try settings.set("artifact_read_roots", value: (settings.artifactReadRoots + artifactReadRoots).joined(separator: ":"), source: "--artifact-read-root")
            }
            try settings.validate()
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
        let sink = LogSink()
        let level = Logger.Level(rawValue: settings.logLevel) ?? .info
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, sink: sink, level: level) }
        defer { sink.close() }
        let scheme = settings.tlsCertificatePath == nil ? "http" : "https"
        let host = settings.host
        let app = try await buildApplication(settings, logSink: sink) { port in
            print("enclave listening on \(scheme)://\(host):\(port)")
            fflush(stdout)
        }
        try await app.runService()
    }
}
