import Crypto
import Foundation
import NIOCore
import Storage

/// A file written in full to a staging folder and flushed: where it is, its size and digest.
struct StagedFile: Sendable {
    let file: String
    let size: Int64
    let sha256: String
}

/// A private folder where an upload is written to disk, hashed as it arrives and flushed,
/// before anything is made of it: the local store renames it into place, the S3 store sends
/// it as one signed part. Every call that may wait on the disk goes through `disk`.
struct UploadStaging: Sendable {
    let folder: String
    let disk: any DiskCalls

    /// Writes the chunks to a new file in the folder (removed again on any failure), refusing
    /// more than `limit` bytes.
    func stage<Chunks: AsyncSequence & Sendable>(_ chunks: Chunks, limit: Int64?) async throws -> StagedFile where Chunks.Element == ByteBuffer {
        let file = folder + "/upload-" + UUID().uuidString
        // errno is read on the thread that made the call.
        let fd = try await disk.run { () throws -> Int32 in
            let fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard fd >= 0 else { throw LocalBlobStore.failure("cannot create an upload file") }
            return fd
        }
        let output = Descriptor(fd)
        var kept = false
        defer { if !kept { unlink(file) } }
        var hasher = SHA256()
        var size: Int64 = 0
        for try await chunk in chunks {
            size += Int64(chunk.readableBytes)
            if let limit, size > limit { throw ArtifactStoreError.tooLarge("the upload is larger than \(limit) bytes") }
            chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
            try await disk.run { try Self.write(chunk, to: output.fd) }
        }
        try await disk.run {
            guard fsync(output.fd) == 0 else { throw LocalBlobStore.failure("cannot flush the upload") }
        }
        kept = true
        return StagedFile(file: file, size: size, sha256: SigV4Signer.hex(hasher.finalize()))
    }

    /// Writes all of `chunk` to `fd` (blocking: run on the thread pool).
    static func write(_ chunk: ByteBuffer, to fd: Int32) throws {
        try chunk.withUnsafeReadableBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(fd, base + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { throw LocalBlobStore.failure("cannot write the upload") }
                offset += written
            }
        }
    }
}
