import Foundation

/// Keeping the host's disk bounded: a free-space check before an upgrade writes anything,
/// and retention of old releases and pre-upgrade backups.
extension Installation {
    /// Releases kept after an upgrade: the current one and the previous one (rollback).
    static let keptReleases = 2
    /// Pre-upgrade database backups kept after an upgrade, newest first.
    static let keptBackups = 3
    /// Room left free beyond what an upgrade writes, so the server can go on writing.
    static let spareBytes: Int64 = 64 << 20

    /// Refuses an upgrade, before anything is written, when the file systems of the
    /// releases and the backups cannot take the new release and a copy of the database.
    func requireSpace(for manifest: BundleManifest) throws {
        let database = Self.size(of: layout.dataDirectory + "/enclave.sqlite") + Self.size(of: layout.dataDirectory + "/enclave.sqlite-wal")
        let backups = FileManager.default.fileExists(atPath: layout.backups) ? layout.backups : layout.installerDirectory
        var needs: [UInt64: (path: String, bytes: Int64)] = [:]
        for (path, bytes) in [(layout.releases, manifest.totalSize), (backups, database)] {
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            let device = UInt64(info.st_dev)
            needs[device] = (needs[device]?.path ?? path, (needs[device]?.bytes ?? 0) + bytes)
        }
        for (path, bytes) in needs.values {
            var fs = statvfs()
            guard statvfs(path, &fs) == 0 else { continue }
            let free = Int64(fs.f_bavail) * Int64(fs.f_frsize)
            if free < bytes + Self.spareBytes {
                throw InstallerError.refused("not enough disk space in \(path): the upgrade needs \(Self.mebibytes(bytes + Self.spareBytes)) MiB "
                    + "and \(Self.mebibytes(free)) MiB are free; nothing was changed (`enclave releases prune` removes old releases)")
            }
        }
    }

    /// The installed releases, newest first, marked current/previous, with their sizes.
    public func listReleases() throws -> [String] {
        let state = try InstallerState.load(layout)
        let lines = releaseVersions().map { version -> String in
            let name = version.description
            let role = name == state?.installed ? " (current)" : name == state?.previous ? " (previous)" : ""
            return "\(name)\(role)  \(Self.mebibytes(Self.size(of: layout.releases + "/" + name))) MiB"
        }
        return lines.isEmpty ? ["no releases under \(layout.releases)"] : lines
    }

    /// Removes old releases, keeping the newest `keep` (at least the current and previous
    /// ones, which are never removed); takes the installer lock.
    public func pruneReleases(keep: Int) throws -> [String] {
        let lock = try InstallerLock(layout)
        defer { withExtendedLifetime(lock) {} }
        let lines = retain(releases: max(keep, 1), backups: Self.keptBackups)
        return lines.isEmpty ? ["nothing to prune"] : lines
    }

    /// Applies retention (the caller holds the lock): releases beyond the newest `releases`
    /// and backups beyond the newest `backups` go, never the current or previous release
    /// nor the backup a rollback would restore.
    func retain(releases: Int, backups: Int) -> [String] {
        let state = try? InstallerState.load(layout)
        let protected = Set([state?.installed, state?.previous].compactMap { $0 })
        var lines: [String] = []
        for version in releaseVersions().dropFirst(releases) where !protected.contains(version.description) {
            HostFiles.remove(layout.releases + "/\(version)")
            lines.append("removed release \(version)")
        }
        let copies = ((try? FileManager.default.contentsOfDirectory(atPath: layout.backups)) ?? [])
            .filter { $0.hasPrefix("enclave-") && $0.hasSuffix(".sqlite") }
            .map { layout.backups + "/" + $0 }
            .sorted { Self.modified($0) > Self.modified($1) }
        for copy in copies.dropFirst(backups) where copy != state?.lastBackup {
            HostFiles.remove(copy)
            HostFiles.remove(copy + ".keyring")
            lines.append("removed backup \(copy)")
        }
        return lines
    }

    /// Release folders by version, newest first (staging folders and strays skipped).
    func releaseVersions() -> [ReleaseVersion] {
        ((try? FileManager.default.contentsOfDirectory(atPath: layout.releases)) ?? []).compactMap(ReleaseVersion.init).sorted(by: >)
    }

    /// Bytes in a file, or in a folder and everything below it.
    static func size(of path: String) -> Int64 {
        var info = stat()
        guard lstat(path, &info) == 0 else { return 0 }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { return Int64(info.st_size) }
        let children = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return children.reduce(0) { $0 + size(of: path + "/" + $1) }
    }

    static func modified(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_mtim.tv_sec) : 0
    }

    static func mebibytes(_ bytes: Int64) -> Int64 { (bytes + (1 << 20) - 1) >> 20 }
}
