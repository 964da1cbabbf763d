import Foundation

/// Where everything lives on the host, all under `root` (`/` in production, a temporary
/// folder in tests and non-root installs):
///
/// ```
/// opt/enclave/releases/<version>/   one folder per installed release (payload/ of its bundle)
/// opt/enclave/current -> releases/<version>
/// etc/enclave/config.json           host, port, data folder
/// etc/enclave/trusted-keys/         public keys bundles must be signed with
/// etc/enclave/admin-credentials     the first admin's name and password (0600)
/// etc/systemd/system/enclave.service
/// var/lib/enclave/data/             the server's data folder (0700)
/// var/lib/enclave/installer/        state.json (installed, previous, highest version), journal, lock, backups
/// var/log/enclave/enclave.log       server output when Enclave runs the service itself
/// usr/local/bin/enclave -> <root>/opt/enclave/current/bin/enclave   the command on PATH
/// ```
public struct InstallLayout: Sendable {
    public let root: String

    /// The layout under `root`.
    public init(root: String) {
        self.root = root == "/" ? "" : (root.hasSuffix("/") ? String(root.dropLast()) : root)
    }

    func path(_ relative: String) -> String { root + "/" + relative }

    public var releases: String { path("opt/enclave/releases") }
    public var current: String { path("opt/enclave/current") }
    public func release(_ version: ReleaseVersion) -> String { releases + "/\(version)" }
    public var configDirectory: String { path("etc/enclave") }
    public var configFile: String { path("etc/enclave/config.json") }
    public var trustedKeys: String { path("etc/enclave/trusted-keys") }
    public var adminCredentials: String { path("etc/enclave/admin-credentials") }
    public var systemdUnit: String { path("etc/systemd/system/enclave.service") }
    public var stateDirectory: String { path("var/lib/enclave") }
    public var dataDirectory: String { path("var/lib/enclave/data") }
    public var installerDirectory: String { path("var/lib/enclave/installer") }
    public var stateFile: String { installerDirectory + "/state.json" }
    public var journalFile: String { installerDirectory + "/journal.json" }
    public var lockFile: String { installerDirectory + "/lock" }
    public var backups: String { installerDirectory + "/backups" }
    public var pidFile: String { installerDirectory + "/enclave.pid" }
    public var logDirectory: String { path("var/log/enclave") }
    public var logFile: String { logDirectory + "/enclave.log" }
    /// The `enclave` command on the operator's PATH.
    public var commandLink: String { path("usr/local/bin/enclave") }
    /// What `commandLink` points at: the current release's binary, whichever it is.
    public var commandTarget: String { InstallLayout.binary(in: current) }

    /// The `port` of a config file (8080 when it is missing or unreadable).
    public static func port(configFile: String) -> Int {
        setting("port", in: configFile) ?? 8080
    }

    /// The value of `key` in a config file, when the file reads and the value has the type asked for.
    static func setting<Value>(_ key: String, in configFile: String) -> Value? {
        guard let data = FileManager.default.contents(atPath: configFile),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object[key] as? Value
    }

    /// `database_url` of the config file: the external PostgreSQL database the install keeps
    /// its state in, or nil for the data folder's SQLite file.
    public var databaseURL: String? {
        let url: String? = Self.setting("database_url", in: configFile)
        return url?.isEmpty == false ? url : nil
    }

    /// Where the install keeps its copy of the external database's password (0600, in the
    /// data folder's `keys/`, so the service account owns it as it owns the keyring).
    public var databasePasswordFile: String { dataDirectory + "/keys/database-password" }

    /// The secret store's keyring: `secrets_keyring` of the config file, else `keyring.json`
    /// in the data folder (a keyring passed as a systemd credential is the site's to keep).
    public var keyringFile: String {
        if let configured: String = Self.setting("secrets_keyring", in: configFile), !configured.isEmpty { return configured }
        return dataDirectory + "/keyring.json"
    }

    /// The binary of a release folder.
    public static func binary(in release: String) -> String { release + "/bin/enclave" }

    /// Whether this layout is the real host with systemd running, so the unit is used.
    public var usesSystemd: Bool {
        root.isEmpty && FileManager.default.fileExists(atPath: "/run/systemd/system")
    }
}

/// Small file-system steps the installer repeats, each atomic or idempotent.
enum HostFiles {
    /// Makes `path` with `mode`; missing parents get 0755, never the (often private) mode of `path`.
    static func makeDirectory(_ path: String, mode: Int = 0o755) throws {
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path, !FileManager.default.fileExists(atPath: parent) { try makeDirectory(parent) }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: mode])
        chmod(path, mode_t(mode))
    }

    /// Writes `data` to `path` through a temporary file and a rename, with `mode`.
    static func writeAtomically(_ data: Data, to path: String, mode: Int) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode_t(mode))
        guard fd >= 0 else { throw InstallerError.failed("cannot write \(path): \(String(cString: strerror(errno)))") }
        let written = data.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, data.count) }
        fchmod(fd, mode_t(mode))
        fsync(fd)
        Foundation.close(fd)
        guard written == data.count, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw InstallerError.failed("cannot write \(path)")
        }
    }

    /// Points the symlink `link` at `target` by renaming a fresh link over it (atomic).
    static func switchLink(_ link: String, to target: String) throws {
        let temporary = link + ".next"
        unlink(temporary)
        guard symlink(target, temporary) == 0, rename(temporary, link) == 0 else {
            throw InstallerError.failed("cannot point \(link) at \(target): \(String(cString: strerror(errno)))")
        }
    }

    /// The target of a symlink, or nil.
    static func linkTarget(_ link: String) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: link)
    }

    static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Copies a file (a database backup can be large) to `destination` through a
    /// temporary file and a rename, streaming rather than reading it into memory.
    static func copy(_ source: String, to destination: String, mode: Int) throws {
        let temporary = destination + ".tmp-\(getpid())"
        unlink(temporary)
        do {
            try FileManager.default.copyItem(atPath: source, toPath: temporary)
        } catch {
            throw InstallerError.failed("cannot copy \(source) to \(destination): \(error.localizedDescription)")
        }
        chmod(temporary, mode_t(mode))
        let fd = open(temporary, O_RDONLY | O_CLOEXEC)
        if fd >= 0 { fsync(fd); Foundation.close(fd) }
        guard rename(temporary, destination) == 0 else {
            unlink(temporary)
            throw InstallerError.failed("cannot move the copy of \(source) into \(destination)")
        }
    }
}
