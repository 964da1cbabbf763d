import Agents
import ControlPlane
import Foundation
import Storage

/// Everything `enclave serve` needs to start. Built from defaults, then a JSON config
/// file, then `ENCLAVE_*` environment variables, then command-line flags: each later
/// source wins over the earlier ones.
public struct ServerConfiguration: Sendable, Equatable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Folder holding `enclave.sqlite` (and later artifacts, keys, backups).
    public var dataDirectory = "./.enclave"
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    /// Largest accepted request body, in bytes.
    public var maxBodyBytes = 8 * 1024 * 1024
    /// bcrypt work factor for passwords.
    public var bcryptCost = 12
    /// Lifetime of a login token, in seconds.
    public var tokenLifetime = 3600
    /// The secret store's keyring file; unset, a systemd credential `enclave-keyring` when
    /// the unit passes one, else `keyring.json` in the data folder.
    public var secretsKeyringPath: String?
    /// Directories (besides its own artifact store) the server may read artifact content from
    /// for visualizations and step logs, say a shared mount the clients' local artifact store is on.
    public var artifactReadRoots: [String] = []
    /// Where artifacts live when not in the data folder: `s3://BUCKET/PREFIX` on an
    /// S3-compatible store, its endpoint, region and keys from the environment (see `S3Location`).
    public var artifactStore: String?
    /// The PostgreSQL database every replica shares (`postgresql://USER@HOST:PORT/DB`, TLS by
    /// `sslmode`); unset, the SQLite file in the data folder. Never carries a password.
    public var databaseURL: String?
    /// A file (mode 600) holding the database password; unset, the systemd credential
    /// `enclave-database` when the unit passes one.
    public var databasePasswordFile: String?
    /// How often agents send a heartbeat, in seconds; three missed ones mark an agent offline.
    public var agentHeartbeatSeconds = 10
    /// What becomes of a triggered run whose agent stopped reporting: `fail` (default) or `requeue`.
    public var agentLostRuns = LostRunPolicy.fail
    /// How long a triggered run may take before its agent ends it, in seconds.
    public var agentRunTimeoutSeconds = 86_400
    /// Least severe log level written (`info` writes one line per request; `warning` none).
    public var logLevel = "info"
    /// The levels `log_level` takes, least severe first.
    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// Keep the database in memory instead of `databasePath`: nothing survives the process.
    /// Not a setting of the configuration file; the tests run the HTTP handlers over both
    /// storage implementations with it.
    public var inMemoryDatabase = false

    /// The defaults: loopback, port 8080, data in `./.enclave`.
    public init() {}

    /// Path of the SQLite database inside the data folder.
    public var databasePath: String { (dataDirectory as NSString).appendingPathComponent("enclave.sqlite") }
    /// Where the artifact store keeps its files (uploads stage in a folder beside it).
    public var artifactDirectory: String { (dataDirectory as NSString).appendingPathComponent("artifacts") }

    /// What the ZenML API may read from local artifact stores: the site's roots and its own
    /// artifact store, never the data folder or the keyring.
    public var artifactReadPolicy: ArtifactReadPolicy {
        ArtifactReadPolicy(roots: [artifactDirectory] + artifactReadRoots.filter { $0.hasPrefix("/") },
                           forbidden: [dataDirectory, keyringLocation().path], exceptions: [artifactDirectory])
    }

    /// The S3 locations the ZenML API may read content from: the `s3://` read roots and the
    /// server's own S3 artifact store.
    public var objectReadRoots: [String] {
        artifactReadRoots.filter { $0.hasPrefix("s3://") } + (artifactStore.map { [$0] } ?? [])
    }

    /// `artifact_read_roots` split at `:`, keeping the `:` of `s3://` addresses.
    static func readRoots(_ text: String) -> [String] {
        var roots: [String] = []
        var parts = text.split(separator: ":", omittingEmptySubsequences: true).map(String.init)[...]
        while let part = parts.popFirst() {
            if part == "s3", let rest = parts.first, rest.hasPrefix("//") {
                parts.removeFirst()
                roots.append("s3:" + rest)
            } else {
                roots.append(part)
            }
        }
        return roots
    }

    /// Reads a JSON config file; unknown keys are an error so typos do not pass silently.
    public mutating func apply(configFile path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("cannot read config file \(path)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ConfigurationError("config file \(path) is not a JSON object")
        }
        for (key, value) in object {
            try set(key, value: value is NSNull ? nil : "\(value)", source: "config file \(path)")
        }
    }

    /// Applies `ENCLAVE_HOST`, `ENCLAVE_PORT`, `ENCLAVE_DATA_DIR`, `ENCLAVE_TLS_CERT`, `ENCLAVE_TLS_KEY`,
    /// `ENCLAVE_MAX_BODY_BYTES`, `ENCLAVE_BCRYPT_COST`, `ENCLAVE_TOKEN_LIFETIME`, `ENCLAVE_AGENT_HEARTBEAT_SECONDS`, `ENCLAVE_LOG_LEVEL`,
    /// `ENCLAVE_SECRETS_KEYRING`, `ENCLAVE_ARTIFACT_READ_ROOTS` (directories separated by `:`),
    /// `ENCLAVE_ARTIFACT_STORE`, `ENCLAVE_DATABASE_URL`, `ENCLAVE_DATABASE_PASSWORD_FILE`.
    public mutating func apply(environment: [String: String]) throws {
        let names = ["ENCLAVE_HOST": "host", "ENCLAVE_PORT": "port", "ENCLAVE_DATA_DIR": "data_dir",
                     "ENCLAVE_TLS_CERT": "tls_cert", "ENCLAVE_TLS_KEY": "tls_key", "ENCLAVE_MAX_BODY_BYTES": "max_body_bytes",
                     "ENCLAVE_BCRYPT_COST": "bcrypt_cost", "ENCLAVE_TOKEN_LIFETIME": "token_lifetime",
                     "ENCLAVE_AGENT_HEARTBEAT_SECONDS": "agent_heartbeat_seconds",
                     "ENCLAVE_AGENT_LOST_RUNS": "agent_lost_runs", "ENCLAVE_AGENT_RUN_TIMEOUT_SECONDS": "agent_run_timeout_seconds",
                     "ENCLAVE_LOG_LEVEL": "log_level", "ENCLAVE_SECRETS_KEYRING": "secrets_keyring",
                     "ENCLAVE_ARTIFACT_READ_ROOTS": "artifact_read_roots", "ENCLAVE_ARTIFACT_STORE": "artifact_store",
                     "ENCLAVE_DATABASE_URL": "database_url", "ENCLAVE_DATABASE_PASSWORD_FILE": "database_password_file"]
        for (variable, key) in names {
            if let value = environment[variable], !value.isEmpty { try set(key, value: value, source: variable) }
        }
    }

    /// Sets one setting by its config-file key, checking its value.
    public mutating func set(_ key: String, value: String?, source: String) throws {
        func number(_ range: ClosedRange<Int>) throws -> Int {
            guard let value, let n = Int(value), range.contains(n) else {
                throw ConfigurationError("\(source): \(key) must be a whole number in \(range.lowerBound)...\(range.upperBound)")
            }
            return n
        }
        switch key {
        case "host": host = value ?? host
        case "port": port = try number(0...65535)
        case "data_dir": dataDirectory = value ?? dataDirectory
        case "tls_cert": tlsCertificatePath = value
        case "tls_key": tlsKeyPath = value
        case "secrets_keyring": secretsKeyringPath = value
        case "artifact_read_roots":
            let roots = Self.readRoots(value ?? "")
            guard roots.allSatisfy({ $0.hasPrefix("/") || $0.hasPrefix("s3://") }) else {
                throw ConfigurationError("\(source): artifact_read_roots takes absolute directories and s3://BUCKET/PREFIX locations separated by ':'")
            }
            artifactReadRoots = roots
        case "artifact_store":
            guard let value, value.hasPrefix("s3://") else {
                throw ConfigurationError("\(source): artifact_store takes an s3://BUCKET/PREFIX address (unset: the data folder's artifacts/)")
            }
            artifactStore = value
        case "database_url":
            guard let value else { databaseURL = nil; return }
            do {
                _ = try DatabaseURL.parse(value)
            } catch let error as DatabaseSettingError {
                throw ConfigurationError("\(source): database_url: \(error.description)")
            }
            databaseURL = value
        case "database_password_file":
            guard let value, value.hasPrefix("/") else {
                throw ConfigurationError("\(source): database_password_file takes an absolute path to a file only the server's user may read")
            }
            databasePasswordFile = value
        case "max_body_bytes": maxBodyBytes = try number(1024...1 << 30)
        case "bcrypt_cost": bcryptCost = try number(4...31)
        case "token_lifetime": tokenLifetime = try number(60...31_536_000)
        case "agent_heartbeat_seconds": agentHeartbeatSeconds = try number(1...300)
        case "agent_run_timeout_seconds": agentRunTimeoutSeconds = try number(1...31_536_000)
        case "agent_lost_runs":
            guard let value, let policy = LostRunPolicy(rawValue: value) else {
                throw ConfigurationError("\(source): agent_lost_runs must be fail or requeue")
            }
            agentLostRuns = policy
        case "log_level":
            guard let value, Self.logLevels.contains(value) else {
                throw ConfigurationError("\(source): log_level must be one of \(Self.logLevels.joined(separator: ", "))")
            }
            logLevel = value
        default: throw ConfigurationError("\(source): unknown setting '\(key)'")
        }
    }

    /// Checks settings that only make sense together.
    public func validate() throws {
        if (tlsCertificatePath == nil) != (tlsKeyPath == nil) {
            throw ConfigurationError("TLS needs both a certificate (--tls-cert) and a key (--tls-key)")
        }
    }
}

/// A setting that cannot be used, with a message for the operator.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
