import Crypto
import Foundation

/// Install, upgrade, rollback, start, stop and status of Enclave on one host, all under
/// `layout.root`. Every operation takes the installer lock; every failure is one line.
public struct Installation {
    public let layout: InstallLayout
    /// How long a started server may take to answer `/health`.
    public var healthDeadline: TimeInterval = 30
    /// Whether to print progress while verifying and unpacking.
    public var showProgress = true

    var service: ServiceController { ServiceController(layout: layout) }

    /// The installation under `root`.
    public init(root: String) {
        layout = InstallLayout(root: root)
        if let value = ProcessInfo.processInfo.environment["ENCLAVE_HEALTH_DEADLINE"], let seconds = TimeInterval(value) {
            healthDeadline = seconds
        }
    }

    /// Verifies `bundle` against `trust` and unpacks it into a fresh staging folder
    /// next to the releases; the caller moves it into place or removes it.
    func stage(_ bundle: String, trust: TrustedKeys,
               beforeWriting: (BundleManifest) throws -> Void = { _ in }) throws -> (BundleReader.VerifiedBundle, String) {
        try HostFiles.makeDirectory(layout.releases)
        let staging = layout.releases + "/.staging-\(getpid())"
        HostFiles.remove(staging)
        try HostFiles.makeDirectory(staging, mode: 0o700)
        do {
            let reader = BundleReader(bundlePath: bundle, trust: trust)
            return (try reader.unpack(into: staging, progress: showProgress, beforeWriting: beforeWriting), staging)
        } catch {
            HostFiles.remove(staging)
            throw error
        }
    }

    /// Moves a staged payload to `releases/<version>` with its manifest beside it.
    func place(_ verified: BundleReader.VerifiedBundle, from staging: String) throws -> String {
        let release = layout.release(verified.manifest.version)
        HostFiles.remove(release)
        guard rename(staging + "/payload", release) == 0 else { throw InstallerError.failed("cannot move the release into \(release)") }
        try HostFiles.writeAtomically(verified.manifestBytes, to: release + "/.bundle-manifest.json", mode: 0o644)
        HostFiles.remove(staging)
        return release
    }

    /// A fresh install from `bundle`, trusting `trustedKey` (a PEM file) from now on, its
    /// state in the data folder or in `database`. Returns the lines to show the operator.
    public func install(bundle: String, trustedKey: String, port: Int, start: Bool, database: ExternalDatabase? = nil) throws -> [String] {
        try audited("install", bundle: bundle) { audit in
            try install(bundle: bundle, trustedKey: trustedKey, port: port, start: start, database: database, audit: audit)
        }
    }

    func install(bundle: String, trustedKey: String, port: Int, start: Bool, database: ExternalDatabase?, audit: AuditEntry) throws -> [String] {
        let lock = try InstallerLock(layout)
        defer { withExtendedLifetime(lock) {} }
        if let state = try InstallerState.load(layout) {
            throw InstallerError.conflict("Enclave \(state.installed) is already installed under \(layout.root)/; use `enclave upgrade`")
        }
        guard let keyPEM = try? String(contentsOfFile: trustedKey, encoding: .utf8) else { throw InstallerError.refused("cannot read the trusted key \(trustedKey)") }
        let (verified, staging) = try stage(bundle, trust: TrustedKeys(keys: [try SigningKey.publicKey(pem: keyPEM)]))
        audit.note(verified)
        let version = verified.manifest.version
        let dataExisted = FileManager.default.fileExists(atPath: layout.dataDirectory + "/enclave.sqlite")
        var lines: [String]
        do {
            lines = try lay(verified, staging: staging, keyPEM: keyPEM, port: port, createAdmin: !dataExisted, database: database)
        } catch {
            // Leave the host as it was: no release, link, config, unit or credentials, and
            // no data folder unless one was there before.
            for path in [staging, layout.release(version), layout.current, layout.configFile, layout.adminCredentials, layout.systemdUnit,
                         layout.stateFile, layout.trustedKeys] {
                HostFiles.remove(path)
            }
            if !dataExisted { HostFiles.remove(layout.dataDirectory) }
            if HostFiles.linkTarget(layout.commandLink) == layout.commandTarget { HostFiles.remove(layout.commandLink) }
            throw error
        }
        if start {
            try service.start(deadline: healthDeadline)
            lines.append("running on http://127.0.0.1:\(port) (healthy)")
        } else {
            lines.append("not started (--no-start); start it with `enclave start\(layout.root.isEmpty ? "" : " --root \(layout.root)")`")
        }
        return lines
    }

    /// Everything a fresh install puts on the host after the bundle verified.
    func lay(_ verified: BundleReader.VerifiedBundle, staging: String, keyPEM: String, port: Int, createAdmin: Bool,
             database: ExternalDatabase?) throws -> [String] {
        let version = verified.manifest.version
        let release = try place(verified, from: staging)
        try HostFiles.switchLink(layout.current, to: "releases/\(version)")
        var trust = TrustedKeys(keys: [try SigningKey.publicKey(pem: keyPEM)])
        if let rotation = verified.rotation { trust.accept(rotation) }  // the install's audit line names the signer
        try trust.save(to: layout.trustedKeys)
        try HostFiles.makeDirectory(layout.dataDirectory, mode: 0o700)
        try HostFiles.makeDirectory(layout.dataDirectory + "/keys", mode: 0o700)
        var config: [String: Any] = ["host": "127.0.0.1", "port": port, "data_dir": layout.dataDirectory]
        if let database {
            config["database_url"] = database.url
            if let password = database.passwordFile {
                try HostFiles.copy(password, to: layout.databasePasswordFile, mode: 0o600)
                config["database_password_file"] = layout.databasePasswordFile
            }
        }
        try HostFiles.writeAtomically(try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys]),
                                      to: layout.configFile, mode: 0o644)
        try writeUnit(from: release)
        var lines = ["installed Enclave \(version) (signed by \(verified.signer)) in \(release)"]
        lines.append(try linkCommand())
        if database != nil {
            lines.append(try createFirstAdmin(release: release, in: ["--config", layout.configFile], existing: "the database already has its accounts"))
        } else if createAdmin {
            lines.append(try createFirstAdmin(release: release, in: ["--data-dir", layout.dataDirectory], existing: nil))
        } else {
            lines.append("kept the existing data in \(layout.dataDirectory); its accounts are unchanged")
        }
        try InstallerState(installed: version.description, previous: nil, highest: version.description, lastBackup: nil).save(layout)
        return lines
    }

    /// Creates the first admin with the installed binary and keeps its password in the
    /// credentials file; when `existing` is given, a database that has an admin already is
    /// kept as it is and that is the line shown.
    func createFirstAdmin(release: String, in place: [String], existing: String?) throws -> String {
        let password = Self.randomPassword()
        let created = ServiceController.outcome([InstallLayout.binary(in: release), "admin", "create", "--name", "admin"] + place,
                                                input: password + "\n")
        if let existing, !created.succeeded, created.output.contains("already exists") { return "\(existing); they are unchanged" }
        guard created.succeeded, created.output.contains("created admin") else {
            let reason = created.output.split(separator: "\n").last.map { ": \($0)" } ?? ""
            throw InstallerError.failed("could not create the first admin with the installed binary\(reason)")
        }
        try HostFiles.writeAtomically(Data("username=admin\npassword=\(password)\n".utf8), to: layout.adminCredentials, mode: 0o600)
        return "admin credentials: \(layout.adminCredentials)"
    }

    /// Puts `enclave` on PATH: a link under `usr/local/bin` to the current release's binary,
    /// so it follows upgrades and rollbacks. Anything else already there is left alone.
    func linkCommand() throws -> String {
        let existing = HostFiles.linkTarget(layout.commandLink)
        if existing == nil, FileManager.default.fileExists(atPath: layout.commandLink) {
            return "left \(layout.commandLink) alone (it is not Enclave's link); run \(layout.commandTarget)"
        }
        try HostFiles.makeDirectory((layout.commandLink as NSString).deletingLastPathComponent)
        try HostFiles.switchLink(layout.commandLink, to: layout.commandTarget)
        return "command: \(layout.commandLink)"
    }

    /// Writes the systemd unit from the release's template with this root's paths.
    func writeUnit(from release: String) throws {
        let template = (try? String(contentsOfFile: release + "/share/enclave/enclave.service", encoding: .utf8))
            ?? "[Service]\nExecStart=@ROOT@/opt/enclave/current/bin/enclave serve --config @ROOT@/etc/enclave/config.json\n"
        try HostFiles.makeDirectory((layout.systemdUnit as NSString).deletingLastPathComponent)
        try HostFiles.writeAtomically(Data(template.replacingOccurrences(of: "@ROOT@", with: layout.root).utf8), to: layout.systemdUnit, mode: 0o644)
    }

    static func randomPassword() -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        return String((0..<24).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    /// Starts the installed server and waits until it is healthy.
    public func start() throws {
        let lock = try InstallerLock(layout)
        defer { withExtendedLifetime(lock) {} }
        guard try InstallerState.load(layout) != nil else { throw InstallerError.conflict("nothing is installed under \(layout.root)/") }
        try service.start(deadline: healthDeadline)
    }

    /// Stops the installed server.
    public func stop() throws {
        let lock = try InstallerLock(layout)
        defer { withExtendedLifetime(lock) {} }
        service.stop()
    }
}

/// The PostgreSQL database an install keeps its state in instead of the data folder's
/// SQLite file: several hosts' installs may share one (README, "Scaling out").
public struct ExternalDatabase: Sendable {
    /// `postgresql://USER@HOST:PORT/DB[?sslmode=…]`.
    public let url: String
    /// The operator's file holding the password; the install keeps a 0600 copy.
    public let passwordFile: String?

    /// A database at `url`, signed into with the password in `passwordFile`.
    public init(url: String, passwordFile: String?) {
        self.url = url
        self.passwordFile = passwordFile
    }
}
