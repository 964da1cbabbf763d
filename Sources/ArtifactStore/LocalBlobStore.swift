import Crypto
import Foundation
import NIOCore
import Storage

/// The artifact store on the local file system, under one root folder (the data folder's
/// `artifacts/`). Every path is walked one component at a time from an open descriptor of
/// the root with `O_NOFOLLOW`, so no symbolic link inside the root — wherever it points —
/// is ever followed, and nothing outside the root can be reached. Uploads go to a private
/// folder beside the root (`artifacts.incoming/`, same file system), are flushed, and are
/// renamed into place only when complete.
///
/// Every system call that may wait on the disk (open, write, fsync, pread, readdir, rename)
/// runs through `disk` (NIO's blocking-I/O thread pool), never on the request threads, so a
/// slow disk holds up the requests that use it and no others.
public final class LocalBlobStore: BlobStore {
    public let root: String
    let incoming: String
    let index: (any BlobIndex)?
    let disk: any DiskCalls
    let staging: UploadStaging
    static let chunkSize = 1 << 20

    /// A store rooted at `root` (created 0700 if missing) recording digests in `index`, its
    /// disk calls made through `disk`.
    public init(root: String, index: (any BlobIndex)? = nil, disk: any DiskCalls = ThreadPoolDiskCalls()) throws {
        self.root = root.hasSuffix("/") ? String(root.dropLast()) : root
        incoming = self.root + ".incoming"
        self.index = index
        self.disk = disk
        staging = UploadStaging(folder: incoming, disk: disk)
        for folder in [self.root, incoming] {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw ArtifactStoreError.storage("cannot create the artifact folder: \(error.localizedDescription)")
            }
        }
    }

    public func put<Chunks: AsyncSequence & Sendable>(_ path: ArtifactPath, chunks: Chunks, limit: Int64?) async throws -> BlobInfo
        where Chunks.Element == ByteBuffer {
        let staged = try await staging.stage(chunks, limit: limit)
        do {
            try await disk.run { try self.place(staged, at: path) }
        } catch {
            unlink(staged.file)
            throw error
        }
        let info = BlobInfo(path: path, size: staged.size, sha256: staged.sha256)
        try await index?.record(info)
        return info
    }

    /// Renames a staged upload into place at `path` (blocking: run on the thread pool).
    func place(_ staged: StagedFile, at path: ArtifactPath) throws {
        let incomingFD = open(incoming, O_DIRECTORY | O_RDONLY | O_CLOEXEC)
        guard incomingFD >= 0 else { throw Self.failure("cannot open the upload folder") }
        let incomingFolder = Descriptor(incomingFD)
        let parent = try openDirectory(Array(path.components.dropLast()), create: true)
        var existing = Foundation.stat()
        if fstatat(parent.fd, path.name, &existing, AT_SYMLINK_NOFOLLOW) == 0, (existing.st_mode & S_IFMT) == S_IFDIR {
            throw ArtifactStoreError.wrongKind("'\(path)' is a folder")
        }
        let name = String(staged.file.dropFirst(incoming.count + 1))
        guard renameat(incomingFolder.fd, name, parent.fd, path.name) == 0 else { throw Self.failure("cannot move the upload into place") }
        fsync(parent.fd)
    }

    public func get(_ path: ArtifactPath, range: ClosedRange<Int64>?) async throws -> BlobContent {
        let (file, size) = try await disk.run { () throws -> (Descriptor, Int64) in
            let file = try self.openFile(path)
            var info = Foundation.stat()
            guard fstat(file.fd, &info) == 0 else { throw Self.failure("cannot read '\(path)'") }
            return (file, Int64(info.st_size))
        }
        if let range {
            guard range.lowerBound >= 0, range.upperBound < size else {
                throw ArtifactStoreError.unsatisfiableRange("bytes \(range.lowerBound)-\(range.upperBound) are outside '\(path)' (\(size) bytes)")
            }
        }
        var offset = range?.lowerBound ?? 0
        let end = (range?.upperBound ?? size - 1) + 1
        let disk = disk
        let chunks = AsyncThrowingStream<ByteBuffer, any Error> {
            guard offset < end else { return nil }
            let count = Int(min(Int64(Self.chunkSize), end - offset))
            let at = offset
            let buffer = try await disk.run { () -> ByteBuffer in
                var buffer = ByteBufferAllocator().buffer(capacity: count)
                buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { bytes in
                    max(0, pread(file.fd, bytes.baseAddress, count, off_t(at)))
                }
                return buffer
            }
            let read = buffer.readableBytes
            guard read > 0 else { throw ArtifactStoreError.storage("'\(path)' ended early (changed while being read)") }
            offset += Int64(read)
            return buffer
        }
        return BlobContent(size: size, range: range, chunks: chunks)
    }

    public func list(_ path: ArtifactPath?) async throws -> [BlobEntry]? {
        try await disk.run { try self.listing(path) }
    }

    /// The entries of the folder at `path` (blocking: run on the thread pool).
    func listing(_ path: ArtifactPath?) throws -> [BlobEntry]? {
        let folder: Descriptor
        do {
            folder = try openDirectory(path?.components ?? [], create: false)
        } catch ArtifactStoreError.notFound, ArtifactStoreError.wrongKind, ArtifactStoreError.invalidPath {
            return nil  // a link is not a folder of artifacts: nothing to list
        }
        let listing = dup(folder.fd)
        guard listing >= 0, let directory = fdopendir(listing) else { throw Self.failure("cannot list '\(path?.description ?? "")'") }
        defer { closedir(directory) }
        var entries: [BlobEntry] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name != ".", name != ".." else { continue }
            var info = Foundation.stat()
            guard fstatat(folder.fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: entries.append(BlobEntry(name: name, isDirectory: true, size: nil))
            case S_IFREG: entries.append(BlobEntry(name: name, isDirectory: false, size: Int64(info.st_size)))
            default: continue  // links and anything else are not artifacts
            }
        }
        return entries.sorted { $0.name < $1.name }
    }

    public func delete(_ path: ArtifactPath) async throws {
        let removed = try await disk.run { () throws -> Bool in
            let parent: Descriptor
            do {
                parent = try self.openDirectory(Array(path.components.dropLast()), create: false)
            } catch ArtifactStoreError.notFound {
                return false
            }
            try Self.remove(path.name, in: parent.fd)
            return true
        }
        guard removed else { return }
        try await index?.forget(path)
    }

    public func stat(_ path: ArtifactPath) async throws -> BlobInfo? {
        let size = try await disk.run { () throws -> Int64? in
            let file: Descriptor
            do {
                file = try self.openFile(path)
            } catch ArtifactStoreError.notFound, ArtifactStoreError.wrongKind {
                return nil
            }
            var info = Foundation.stat()
            guard fstat(file.fd, &info) == 0 else { throw Self.failure("cannot read '\(path)'") }
            return Int64(info.st_size)
        }
        guard let size else { return nil }
        return BlobInfo(path: path, size: size, sha256: try await index?.digest(of: path))
    }

    /// The folder at `components` under the root, each step opened without following links.
    func openDirectory(_ components: [String], create: Bool) throws -> Descriptor {
        let rootFD = open(root, O_DIRECTORY | O_RDONLY | O_CLOEXEC)
        guard rootFD >= 0 else { throw Self.failure("cannot open the artifact folder") }
        var current = Descriptor(rootFD)
        for (depth, name) in components.enumerated() {
            var next = openat(current.fd, name, O_DIRECTORY | O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            if next < 0, errno == ENOENT, create {
                if mkdirat(current.fd, name, 0o700) != 0, errno != EEXIST { throw Self.failure("cannot create a folder") }
                next = openat(current.fd, name, O_DIRECTORY | O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            }
            guard next >= 0 else {
                let code = errno
                throw Self.walkError(Self.isLink(name, in: current.fd) ? ELOOP : code, ArtifactPath(checked: Array(components.prefix(depth + 1))))
            }
            current = Descriptor(next)
        }
        return current
    }

    /// The regular file at `path`, opened for reading without following links.
    func openFile(_ path: ArtifactPath) throws -> Descriptor {
        let parent = try openDirectory(Array(path.components.dropLast()), create: false)
        let fd = openat(parent.fd, path.name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let code = errno
            throw Self.walkError(Self.isLink(path.name, in: parent.fd) ? ELOOP : code, path)
        }
        let file = Descriptor(fd)
        var info = Foundation.stat()
        guard fstat(fd, &info) == 0 else { throw Self.failure("cannot read '\(path)'") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw ArtifactStoreError.wrongKind("'\(path)' is not a file") }
        return file
    }

    /// Whether `name` in the folder `parent` is a symbolic link (never followed, always refused).
    static func isLink(_ name: String, in parent: Int32) -> Bool {
        var info = Foundation.stat()
        return fstatat(parent, name, &info, AT_SYMLINK_NOFOLLOW) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }

    static func walkError(_ code: Int32, _ path: ArtifactPath) -> ArtifactStoreError {
        switch code {
        case ENOENT: .notFound("no such artifact: '\(path)'")
        case ELOOP, EMLINK: .invalidPath("'\(path)' is a symbolic link; links are not followed")
        case ENOTDIR: .wrongKind("'\(path)' is not a folder")
        default: .storage("cannot open '\(path)': \(String(cString: strerror(code)))")
        }
    }

    static func failure(_ what: String) -> ArtifactStoreError {
        .storage("\(what): \(String(cString: strerror(errno)))")
    }

    /// Removes `name` in the folder `parent`: a file or link, or a folder with everything in it.
    static func remove(_ name: String, in parent: Int32) throws {
        if unlinkat(parent, name, 0) == 0 || errno == ENOENT { return }
        guard errno == EISDIR || errno == EPERM else { throw failure("cannot remove '\(name)'") }
        let fd = openat(parent, name, O_DIRECTORY | O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw failure("cannot open '\(name)'") }
        let folder = Descriptor(fd)
        let listing = dup(fd)
        guard listing >= 0, let directory = fdopendir(listing) else { throw failure("cannot list '\(name)'") }
        var children: [String] = []
        while let entry = readdir(directory) {
            let child = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if child != ".", child != ".." { children.append(child) }
        }
        closedir(directory)
        for child in children { try remove(child, in: folder.fd) }
        guard unlinkat(parent, name, AT_REMOVEDIR) == 0 || errno == ENOENT else { throw failure("cannot remove '\(name)'") }
    }
}

/// An open file descriptor closed when the last reference goes.
final class Descriptor: @unchecked Sendable {
    let fd: Int32
    init(_ fd: Int32) { self.fd = fd }
    deinit { close(fd) }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
