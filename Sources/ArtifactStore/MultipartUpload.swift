import Foundation
import NIOCore
import Storage

/// A store that also takes one file in numbered parts sent separately (and in parallel),
/// then joins them into place; the way large files arrive from clients that split them.
public protocol MultipartBlobStore: BlobStore {
    /// Opens an upload that will become the file at `path`; returns its id.
    func beginUpload(_ path: ArtifactPath) async throws -> String
    /// Stores part `number` (1-based) of `upload`, replacing an earlier copy; returns its
    /// ETag (the part's SHA-256).
    func putPart<Chunks: AsyncSequence & Sendable>(upload: String, number: Int, chunks: Chunks, limit: Int64?) async throws -> String
        where Chunks.Element == ByteBuffer
    /// Joins `parts`, in that order, into the upload's file; the upload is gone afterwards.
    func completeUpload(_ upload: String, parts: [Int]) async throws -> BlobInfo
    /// Drops the upload and its parts; dropping an unknown upload is not an error.
    func abortUpload(_ upload: String) async throws
}

/// Limits every multipart upload keeps to.
public enum MultipartLimits {
    public static let maximumParts = 10_000

    /// An upload id as the store hands them out: 32 lower-case hex digits, nothing else,
    /// so it can never name anything but its own staging folder.
    public static func isUploadID(_ text: String) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }
}

extension LocalBlobStore: MultipartBlobStore {
    public func beginUpload(_ path: ArtifactPath) async throws -> String {
        let id = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let folder = uploadFolder(id)
        try await disk.run {
            guard mkdir(folder, 0o700) == 0 else { throw Self.failure("cannot open an upload") }
            guard FileManager.default.createFile(atPath: folder + "/target", contents: Data(path.description.utf8),
                                                 attributes: [.posixPermissions: 0o600]) else {
                throw ArtifactStoreError.storage("cannot record the upload's target")
            }
        }
        return id
    }

    public func putPart<Chunks: AsyncSequence & Sendable>(upload: String, number: Int, chunks: Chunks, limit: Int64?) async throws -> String
        where Chunks.Element == ByteBuffer {
        guard (1...MultipartLimits.maximumParts).contains(number) else {
            throw ArtifactStoreError.invalidPath("part numbers run from 1 to \(MultipartLimits.maximumParts)")
        }
        _ = try await target(of: upload)
        let part = try await staging.stage(chunks, limit: limit)
        let kept = uploadFolder(upload) + "/" + Self.partName(number)
        try await disk.run {
            guard rename(part.file, kept) == 0 else {
                unlink(part.file)
                throw Self.failure("cannot keep the part")
            }
        }
        return part.sha256
    }

    public func completeUpload(_ upload: String, parts: [Int]) async throws -> BlobInfo {
        let path = try await target(of: upload)
        guard !parts.isEmpty, parts.count <= MultipartLimits.maximumParts else {
            throw ArtifactStoreError.invalidPath("an upload is completed with 1 to \(MultipartLimits.maximumParts) parts")
        }
        let folder = uploadFolder(upload)
        let files = try await disk.run { () throws -> [String] in
            try parts.map { number in
                let file = folder + "/" + Self.partName(number)
                guard (1...MultipartLimits.maximumParts).contains(number), access(file, F_OK) == 0 else {
                    throw ArtifactStoreError.notFound("part \(number) of upload \(upload) was never uploaded")
                }
                return file
            }
        }
        let info = try await put(path, chunks: Self.concatenation(of: files, disk: disk), limit: nil)
        try? await abortUpload(upload)
        return info
    }

    public func abortUpload(_ upload: String) async throws {
        guard MultipartLimits.isUploadID(upload) else { return }
        let incoming = incoming
        try await disk.run {
            let incomingFD = open(incoming, O_DIRECTORY | O_RDONLY | O_CLOEXEC)
            guard incomingFD >= 0 else { throw Self.failure("cannot open the upload folder") }
            let staged = Descriptor(incomingFD)
            try Self.remove("mpu-" + upload, in: staged.fd)
        }
    }

    func uploadFolder(_ id: String) -> String { incoming + "/mpu-" + id }

    static func partName(_ number: Int) -> String { "part-" + String(number).leftPadded(5) }

    /// The file an open upload will become; an unknown or malformed id is `notFound`.
    func target(of upload: String) async throws -> ArtifactPath {
        let file = uploadFolder(upload) + "/target"
        guard MultipartLimits.isUploadID(upload),
              let data = try await disk.run({ FileManager.default.contents(atPath: file) }),
              let text = String(data: data, encoding: .utf8) else {
            throw ArtifactStoreError.notFound("no open upload with id '\(ArtifactPath.printable(upload))'")
        }
        return try ArtifactPath(text)
    }

    /// The files' bytes one after another, read a chunk at a time through `disk`.
    static func concatenation(of files: [String], disk: any DiskCalls) -> AsyncThrowingStream<ByteBuffer, any Error> {
        var remaining = files[...]
        var current: Descriptor?
        var offset: off_t = 0
        return AsyncThrowingStream {
            while true {
                if current == nil {
                    guard let next = remaining.popFirst() else { return nil }
                    current = try await disk.run { () throws -> Descriptor in
                        let fd = open(next, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
                        guard fd >= 0 else { throw failure("cannot read a part") }
                        return Descriptor(fd)
                    }
                    offset = 0
                }
                guard let file = current else { return nil }
                let at = offset
                let buffer = try await disk.run { () -> ByteBuffer in
                    var buffer = ByteBufferAllocator().buffer(capacity: chunkSize)
                    buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: chunkSize) { bytes in
                        max(0, pread(file.fd, bytes.baseAddress, chunkSize, at))
                    }
                    return buffer
                }
                if buffer.readableBytes == 0 { current = nil; continue }
                offset += off_t(buffer.readableBytes)
                return buffer
            }
        }
    }
}
