import Foundation

/// The unprivileged system account the server runs as when Enclave starts it itself (no
/// systemd): `enclave`, the user `enclave.sysusers.conf` declares. It applies when the
/// installer runs as root on the real host (root `/`); the systemd unit uses
/// `DynamicUser=` instead, and installs under another root keep the invoking user.
/// The account is read from `/etc/passwd` directly, not through NSS, because the
/// static binary cannot load NSS modules.
public struct ServiceAccount: Equatable, Sendable {
    public static let defaultName = "enclave"

    public let name: String
    public let uid: uid_t
    public let gid: gid_t

    /// The account called `name` in `passwdFile`, or nil.
    public static func lookup(_ name: String, passwdFile: String = "/etc/passwd") -> ServiceAccount? {
        guard let text = try? String(contentsOfFile: passwdFile, encoding: .utf8) else { return nil }
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 4, fields[0] == name, let uid = uid_t(fields[2]), let gid = gid_t(fields[3]) else { continue }
            return ServiceAccount(name: name, uid: uid, gid: gid)
        }
        return nil
    }

    /// The account the service of `layout` runs as, created with `useradd` when missing;
    /// nil when the service keeps the invoking user (not root, another root, or systemd).
    static func ensure(for layout: InstallLayout) throws -> ServiceAccount? {
        guard geteuid() == 0, layout.root.isEmpty, !layout.usesSystemd else { return nil }
        if let account = lookup(defaultName) { return account }
        guard let useradd = ["/usr/sbin/useradd", "/sbin/useradd"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw InstallerError.failed("the service runs as the system user '\(defaultName)', which is missing, and useradd is not here to create it; create it first (see README)")
        }
        _ = ServiceController.run([useradd, "--system", "--user-group", "--home-dir", layout.stateDirectory, "--no-create-home",
                                   "--shell", "/usr/sbin/nologin", "--comment", "Enclave MLOps control plane", defaultName])
        guard let account = lookup(defaultName) else { throw InstallerError.failed("could not create the system user '\(defaultName)' with \(useradd)") }
        return account
    }

    /// Gives `path` and everything under it to this account (links themselves, never
    /// what they point at).
    func own(_ path: String) {
        lchown(path, uid, gid)
        guard let walker = FileManager.default.enumerator(atPath: path) else { return }
        while let relative = walker.nextObject() as? String { lchown(path + "/" + relative, uid, gid) }
    }

    /// Drops this process to the account for good: no supplementary groups, its group, its user.
    public func become() throws {
        guard setgroups(0, nil) == 0, setgid(gid) == 0, setuid(uid) == 0, getuid() == uid, geteuid() == uid else {
            throw InstallerError.failed("cannot switch to the user '\(name)' (\(String(cString: strerror(errno))))")
        }
    }
}
