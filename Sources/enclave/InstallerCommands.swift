import ArgumentParser
import Foundation
import Installer

/// Runs an installer operation: prints its lines, or one `enclave: …` line on stderr and exit 1.
func reportingFailures(_ work: () throws -> [String]) throws {
    do {
        for line in try work() { print(line) }
    } catch {
        FileHandle.standardError.write(Data("enclave: \(error)\n".utf8))
        throw ExitCode(1)
    }
}

struct RootOption: ParsableArguments {
    @Option(help: "Install root: every path (/opt/enclave, /etc/enclave, /var/lib/enclave, the unit) goes under it.") var root = "/"
}

struct BundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bundle", abstract: "Create and verify signed offline bundles.",
                                                    subcommands: [CreateBundle.self, VerifyBundle.self])
}

struct CreateBundle: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Build a signed bundle (see docs/bundle-format.md).")
    @Option(help: "Release version, MAJOR.MINOR.PATCH.") var version: String
    @Option(help: "The enclave binary to ship.") var binary: String
    @Option(help: "Ed25519 private key (PKCS#8 PEM).") var key: String
    @Option(help: "Bundle file to write.") var out: String
    @Option(name: .customLong("min-upgrade-from"), help: "Oldest installed version this one may upgrade.") var minUpgradeFrom: String?
    @Option(help: "Folder of files shipped under payload/share/enclave.") var manifests = "Manifests"
    @Option(help: "The install.sh bootstrap.") var bootstrap = "Installer/install.sh"
    @Option(help: "The README shipped in the payload.") var readme = "Installer/README.md"
    @Option(help: "Folder of shared libraries shipped under payload/lib.") var libraries: String?
    @Option(help: "Folder holding key-rotation.json and key-rotation.sig (from `enclave keys rotate`) to ship with the bundle.") var rotation: String?

    func run() throws {
        try reportingFailures {
            guard let release = ReleaseVersion(version) else { throw InstallerError.refused("'\(version)' is not a MAJOR.MINOR.PATCH version") }
            var minimum: ReleaseVersion?
            if let minUpgradeFrom {
                guard let parsed = ReleaseVersion(minUpgradeFrom) else { throw InstallerError.refused("'\(minUpgradeFrom)' is not a version") }
                minimum = parsed
            }
            guard let keyPEM = try? String(contentsOfFile: key, encoding: .utf8) else { throw InstallerError.refused("cannot read the key \(key)") }
            let sources = try BundleWriter.standardSources(binary: binary, manifests: manifests, bootstrap: bootstrap, readme: readme,
                                                           libraries: libraries)
            var statement: (Data, Data)?
            if let rotation {
                guard let json = FileManager.default.contents(atPath: rotation + "/" + KeyRotation.statementPath),
                      let signature = FileManager.default.contents(atPath: rotation + "/" + KeyRotation.signaturePath)
                else { throw InstallerError.refused("\(rotation) must hold \(KeyRotation.statementPath) and \(KeyRotation.signaturePath)") }
                _ = try KeyRotation.decode(json)
                statement = (json, signature)
            }
            let manifest = try BundleWriter(version: release, minUpgradeFrom: minimum, sources: sources).write(to: out, key: keyPEM, rotation: statement)
            return ["wrote \(out): Enclave \(release) for \(manifest.architecture), \(manifest.files.count) files, \(manifest.totalSize) bytes"]
        }
    }
}

struct VerifyBundle: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Check a bundle's signature and every file, writing nothing.")
    @Argument(help: "The bundle.") var file: String
    @Option(name: .customLong("trusted-key"), help: "Ed25519 public key (PEM) the bundle must be signed with.") var trustedKey: String
    @Option(name: .customLong("unpack-into"), help: "Also unpack the verified files into this new, empty folder.") var unpackInto: String?

    func run() throws {
        try reportingFailures {
            guard let keyPEM = try? String(contentsOfFile: trustedKey, encoding: .utf8) else { throw InstallerError.refused("cannot read the trusted key \(trustedKey)") }
            let reader = BundleReader(bundlePath: file, trustedKey: try SigningKey.publicKey(pem: keyPEM))
            guard let folder = unpackInto else {
                let manifest = try reader.verify()
                return ["ok: Enclave \(manifest.version) for \(manifest.architecture), \(manifest.files.count) files verified"]
            }
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            do {
                let manifest = try reader.unpack(into: folder).manifest
                return ["ok: Enclave \(manifest.version), \(manifest.files.count) files verified and unpacked into \(folder)"]
            } catch {
                try? FileManager.default.removeItem(atPath: folder)
                throw error
            }
        }
    }
}

struct Install: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Install from a signed bundle, with no network.")
    @Argument(help: "The bundle.") var file: String
    @Option(name: .customLong("trusted-key"), help: "Ed25519 public key (PEM) the bundle must be signed with; pinned for upgrades.") var trustedKey: String
    @OptionGroup var root: RootOption
    @Option(help: "Port the server will listen on.") var port = 8080
    @Flag(name: .customLong("no-start"), help: "Install without starting the server.") var noStart = false
    @Option(name: .customLong("database-url"), help: "Keep the state in this PostgreSQL database (postgresql://USER@HOST:PORT/DB) instead of the data folder.")
    var databaseURL: String?
    @Option(name: .customLong("database-password-file"), help: "File holding that database's password; the install keeps a 0600 copy.")
    var databasePasswordFile: String?

    func run() throws {
        let database = databaseURL.map { ExternalDatabase(url: $0, passwordFile: databasePasswordFile) }
        try reportingFailures {
            try Installation(root: root.root).install(bundle: file, trustedKey: trustedKey, port: port, start: !noStart, database: database)
        }
    }
}

struct Upgrade: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Upgrade to a newer signed bundle; rolls back by itself if it is not healthy.")
    @Argument(help: "The bundle.") var file: String
    @OptionGroup var root: RootOption
    @Flag(name: .customLong("allow-downgrade"), help: "Allow an older version.") var allowDowngrade = false
    @Flag(name: .customLong("database-backed-up"), help: "With an external database: you backed it up (the upgrade cannot), so go ahead.")
    var databaseBackedUp = false

    func run() throws {
        try reportingFailures {
            try Installation(root: root.root).upgrade(bundle: file, allowDowngrade: allowDowngrade, databaseBackedUp: databaseBackedUp)
        }
    }
}

struct Rollback: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Return to the previous release and the data backup taken before the upgrade.",
        discussion: "The data written since the upgrade is kept aside first. Asks before going ahead unless --yes; without a terminal, --yes is required."
    )
    @OptionGroup var root: RootOption
    @Flag(help: "Go ahead without asking.") var yes = false

    func run() throws {
        let installation = Installation(root: root.root)
        var confirmed = yes
        if !confirmed, isatty(STDIN_FILENO) == 1, let plan = try? installation.rollbackPlan() {
            print("A rollback goes \(plan).")
            print("Roll back? [y/N] ", terminator: "")
            confirmed = ["y", "yes"].contains(readLine()?.lowercased() ?? "")
            if !confirmed { throw ExitCode(1) }
        }
        try reportingFailures { try installation.rollback(confirmed: confirmed) }
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Installed and running version, health and upgrade journal.")
    @OptionGroup var root: RootOption

    func run() throws {
        try reportingFailures { try Installation(root: root.root).status() }
    }
}

struct Start: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Start the installed server and wait until it is healthy.")
    @OptionGroup var root: RootOption

    func run() throws {
        try reportingFailures { try Installation(root: root.root).start(); return ["started"] }
    }
}

struct Stop: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop the installed server.")
    @OptionGroup var root: RootOption

    func run() throws {
        try reportingFailures { try Installation(root: root.root).stop(); return ["stopped"] }
    }
}

struct Supervise: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the server and restart it when it crashes (what `enclave start` runs where systemd does not).",
        discussion: "SIGTERM or SIGINT stops the server and then the supervisor. A server that fails before it first answers /health is not restarted."
    )
    @Option(help: "The enclave binary to run as `serve`.") var server: String
    @Option(help: "Config file for `serve --config`.") var config: String
    @Option(help: "System user to run as (the supervisor drops to it before starting the server).") var user: String?

    func run() throws {
        var account: ServiceAccount?
        if let user {
            guard let found = ServiceAccount.lookup(user) else {
                FileHandle.standardError.write(Data("enclave: no user '\(user)' in /etc/passwd\n".utf8))
                throw ExitCode(1)
            }
            account = found
        }
        let status = Supervisor(server: server, configFile: config, account: account).run()
        if status != 0 { throw ExitCode(status) }
    }
}

struct Releases: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List or prune the installed releases.", subcommands: [ListReleases.self, PruneReleases.self])
}

struct ListReleases: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The installed releases, newest first, with their sizes.")
    @OptionGroup var root: RootOption

    func run() throws {
        try reportingFailures { try Installation(root: root.root).listReleases() }
    }
}

struct PruneReleases: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune", abstract: "Remove old releases and backups (never the current or previous release).")
    @OptionGroup var root: RootOption
    @Option(help: "Releases to keep, newest first.") var keep = 2

    func run() throws {
        try reportingFailures { try Installation(root: root.root).pruneReleases(keep: keep) }
    }
}
