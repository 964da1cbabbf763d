import Foundation
import Storage
#if canImport(Glibc)
import Glibc
#endif

/// Reads files of a local artifact store for the server's own answers, under an
/// `ArtifactReadPolicy`. Every refusal names the rule, never the file's content; every
/// check and read runs through `disk`, off the request threads.
struct ArtifactContentReader: Sendable {
    let policy: ArtifactReadPolicy
    var disk: any DiskCalls = ThreadPoolDiskCalls()

    /// The resolved, checked path of `uri` inside the store rooted at `storeRoot`.
    func resolve(uri: String, storeRoot: String) throws -> String {
        let path = try Self.localPath(uri)
        guard let root = Self.realPath(storeRoot) else {
            throw ControlPlaneError.notFound("The artifact store's path does not exist on the server's host.")
        }
        guard let resolved = Self.realPath(path) else {
            throw ControlPlaneError.notFound("The file is not in the artifact store (it may have been removed).")
        }
        guard Self.path(resolved, isInside: root) else {
            throw ControlPlaneError.forbidden("The URI points outside the root path of its artifact store.")
        }
        let allowed = policy.roots.compactMap(Self.realPath)
        guard allowed.contains(where: { Self.path(root, isInside: $0) }) else {
            throw ControlPlaneError.forbidden("This artifact store's path is outside the directories the server may read "
                + "(artifact_read_roots in the server's configuration).")
        }
        let exceptions = policy.exceptions.compactMap(Self.realPath)
        for forbidden in policy.forbidden.compactMap(Self.realPath) where Self.path(resolved, isInside: forbidden) {
            if !exceptions.contains(where: { Self.path(resolved, isInside: $0) }) {
                throw ControlPlaneError.forbidden("The server does not read its own data folder or keyring.")
            }
        }
        return resolved
    }

    /// The bytes of one regular file, opened without following a link swapped in after the check.
    func read(uri: String, storeRoot: String) async throws -> [UInt8] {
        try await disk.run { [self] in try Self.readFile(try resolve(uri: uri, storeRoot: storeRoot), limit: policy.maxFileBytes) }
    }

    /// The files of `uri` in name order: the file itself, or the regular files of a folder
    /// (log stores write one file per chunk).
    func files(uri: String, storeRoot: String) async throws -> [[UInt8]] {
        try await disk.run { [self] in try filesNow(uri: uri, storeRoot: storeRoot) }
    }

    /// `files`, on the calling thread.
    func filesNow(uri: String, storeRoot: String) throws -> [[UInt8]] {
        let resolved = try resolve(uri: uri, storeRoot: storeRoot)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory), isDirectory.boolValue else {
            return [try Self.readFile(resolved, limit: policy.maxFileBytes)]
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: resolved))?.sorted() ?? []
        var total = 0
        return try names.compactMap { name in
            let child = (resolved as NSString).appendingPathComponent(name)
            guard let real = Self.realPath(child), real == child else { return nil }  // links inside a log folder are skipped
            let bytes = try Self.readFile(child, limit: policy.maxFileBytes - total)
            total += bytes.count
            return bytes
        }
    }

    /// A client's URI as a local path: a plain absolute path, or `file://` with percent-decoding.
    static func localPath(_ uri: String) throws -> String {
        var path = uri
        if uri.hasPrefix("file://") {
            guard let decoded = String(uri.dropFirst("file://".count)).removingPercentEncoding else {
                throw ControlPlaneError.invalid("The URI is not valid percent-encoding.")
            }
            path = decoded
        } else if uri.contains("://") {
            throw ControlPlaneError.invalid("The server reads only local artifact stores; this URI is on a remote store.")
        }
        guard path.hasPrefix("/"), !path.utf8.contains(0) else {
            throw ControlPlaneError.invalid("The URI is not an absolute local path.")
        }
        return path
    }

    /// The canonical path with every link resolved, or nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard !path.isEmpty, !path.utf8.contains(0), let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Whether `path` is `directory` or lies beneath it (both canonical).
    static func path(_ path: String, isInside directory: String) -> Bool {
        path == directory || path.hasPrefix(directory.hasSuffix("/") ? directory : directory + "/")
    }

    static func readFile(_ path: String, limit: Int) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw ControlPlaneError.notFound("The file cannot be opened on the server's host.") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw ControlPlaneError.invalid("The URI does not name a regular file.")
        }
        guard Int(info.st_size) <= limit else {
            throw ControlPlaneError.invalid("The file is larger than the server shows (\(limit) bytes).")
        }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return Glibc.read(fd, base + done, buffer.count - done)
            }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { break }
            done += n
        }
        return Array(bytes.prefix(done))
    }
}
