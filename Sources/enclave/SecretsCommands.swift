import ArgumentParser
import Foundation
import Server

/// The settings an offline command needs to find the server's data and keyring, read the
/// way `serve` reads them (config file, then ENCLAVE_* variables, then flags).
struct DataFolderOptions: ParsableArguments {
    @Option(help: "JSON config file, as given to `serve`.") var config: String?
    @Option(name: .customLong("data-dir"), help: "Data folder (default ./.enclave or ENCLAVE_DATA_DIR).") var dataDirectory: String?
    @Option(help: "Keyring file (default: secrets_keyring, the systemd credential enclave-keyring, or keyring.json in the data folder).")
    var keyring: String?
    @Option(name: .customLong("database-url"), help: "The PostgreSQL database the servers use (default: database_url, else the data folder's SQLite file).")
    var databaseURL: String?
    @Option(name: .customLong("database-password-file"), help: "File holding that database's password.") var databasePasswordFile: String?

    func settings() throws -> ServerConfiguration {
        var settings = ServerConfiguration()
        do {
            if let config { try settings.apply(configFile: config) }
            try settings.apply(environment: ProcessInfo.processInfo.environment)
        } catch let error as ConfigurationError {
            throw ValidationError(error.description)
        }
        if let dataDirectory { settings.dataDirectory = dataDirectory }
        if let keyring { settings.secretsKeyringPath = keyring }
        if let databaseURL { settings.databaseURL = databaseURL }
        if let databasePasswordFile { settings.databasePasswordFile = databasePasswordFile }
        return settings
    }
}

/// Prints `lines`, or the error on standard error with exit code 1.
func reportingFailures(_ work: () async throws -> [String]) async throws {
    do {
        for line in try await work() { print(line) }
    } catch {
        FileHandle.standardError.write(Data("enclave: \(error)\n".utf8))
        throw ExitCode(1)
    }
}

struct SecretsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "secrets", abstract: "Manage the secret store's keyring.",
                                                    subcommands: [RotateSecretsKey.self, VerifySecrets.self])
}

struct RotateSecretsKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rotate-key",
        abstract: "Add a new primary key to the keyring and re-wrap every stored value onto it, while the server runs.",
        discussion: "Run it as the service's user. New writes use the new key at once; older keys stay in the ring so nothing is stranded.")
    @OptionGroup var data: DataFolderOptions

    func run() async throws {
        let settings = try data.settings()
        try await reportingFailures {
            var shown = -1
            let outcome = try await rotateSecretsKey(settings) { done, total in
                let percent = total == 0 ? 100 : done * 100 / total
                guard percent != shown else { return }
                shown = percent
                FileHandle.standardError.write(Data("re-wrapped \(done)/\(total) values (\(percent)%)\n".utf8))
            }
            return ["new primary key \(outcome.newKeyID); \(outcome.rewrapped) values re-wrapped in \(String(format: "%.2f", outcome.seconds)) s"]
        }
    }
}

struct VerifySecrets: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify",
        abstract: "Open every stored value with the keyring and report the secrets that do not open.")
    @OptionGroup var data: DataFolderOptions

    func run() async throws {
        let settings = try data.settings()
        try await reportingFailures {
            let report = try await verifySecrets(settings)
            let lines = report.failures.map { "secret \($0.0): \($0.1)" }
            guard lines.isEmpty else {
                throw ValidationError((lines + ["\(report.failures.count) of \(report.secrets) secrets do not open"]).joined(separator: "\n"))
            }
            return ["all \(report.values) values of \(report.secrets) secrets open"]
        }
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Read and check the secret store's audit trail.",
                                                    subcommands: [ListAudit.self, VerifyAudit.self])
}

struct ListAudit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Print audit records, oldest first, one per line.")
    @OptionGroup var data: DataFolderOptions
    @Option(help: "Print records after this sequence number.") var after: Int64 = 0
    @Option(help: "Print at most this many records.") var limit = 1000

    func run() async throws {
        let settings = try data.settings()
        try await reportingFailures {
            try await withAuditTrail(settings) { trail in try await trail.records(after: after, limit: max(1, min(limit, 100_000))) }.map { record in
                let entry = record.entry
                return "\(record.sequence)\t\(record.at)\t\(entry.actor)\t\(entry.action)\t\(entry.secretID ?? "-")\t\(entry.address ?? "-")\t\(entry.outcome)"
            }
        }
    }
}

struct VerifyAudit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify",
        abstract: "Check the audit trail's hash chain; name the first edited, inserted or missing record.")
    @OptionGroup var data: DataFolderOptions

    func run() async throws {
        let settings = try data.settings()
        try await reportingFailures {
            switch try await withAuditTrail(settings, { trail in try await trail.verify() }) {
            case let .intact(count): return ["audit trail intact: \(count) records"]
            case let .broken(sequence, reason): throw ValidationError("audit trail broken at record \(sequence): \(reason)")
            }
        }
    }
}
