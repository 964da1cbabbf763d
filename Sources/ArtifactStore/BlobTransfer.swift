import Crypto
import NIOCore

/// What copying every file of one artifact store into another came to.
public struct BlobTransferReport: Sendable {
    /// Files the target holds, byte for byte the source's, when the copy ended.
    public var files = 0
    /// Their bytes.
    public var bytes: Int64 = 0
    /// Files copied by this run (the others were already there, from an interrupted run).
    public var copied = 0
}

/// Copies every file of one artifact store into another (the data folder's into an
/// S3-compatible store, for `enclave migrate`), each verified by reading the copy back and
/// comparing its SHA-256 with the source's. A file the target already holds with the same
/// content is left as it is, so an interrupted copy is taken up again by running it again.
public struct BlobTransfer: Sendable {
    let source: any BlobStore
    let target: any BlobStore

    /// A transfer from `source` into `target`.
    public init(source: any BlobStore, target: any BlobStore) {
        self.source = source
        self.target = target
    }

    /// Copies every file under the source's root; `progress` hears of each file copied.
    public func run(progress: @Sendable (ArtifactPath) -> Void = { _ in }) async throws -> BlobTransferReport {
        var report = BlobTransferReport()
        var folders: [ArtifactPath?] = [nil]
        while let folder = folders.popLast() {
            for entry in try await source.list(folder) ?? [] {
                let path = try folder.map { try $0.appending(ArtifactPath(entry.name)) } ?? ArtifactPath(entry.name)
                if entry.isDirectory {
                    folders.append(path)
                    continue
                }
                if try await copy(path) {
                    report.copied += 1
                    progress(path)
                }
                report.files += 1
                report.bytes += entry.size ?? 0
            }
        }
        return report
    }

    /// Copies one file unless the target holds it already; true when it was copied.
    private func copy(_ path: ArtifactPath) async throws -> Bool {
        let original = try await Self.sha256(of: source.get(path, range: nil))
        if let present = try await target.stat(path), present.size == original.size,
           try await Self.sha256(of: target.get(path, range: nil)) == original {
            return false
        }
        _ = try await target.put(path, chunks: try await source.get(path, range: nil).chunks, limit: nil)
        let copy = try await Self.sha256(of: target.get(path, range: nil))
        guard copy == original else {
            throw ArtifactStoreError.storage("the copy of '\(path)' reads back as \(copy.hex) (\(copy.size) bytes), "
                                                    + "not the source's \(original.hex) (\(original.size) bytes)")
        }
        return true
    }

    /// A file's SHA-256 and size, read to the end.
    private static func sha256(of content: BlobContent) async throws -> ContentHash {
        var hasher = SHA256()
        var size: Int64 = 0
        for try await chunk in content.chunks {
            hasher.update(data: chunk.readableBytesView)
            size += Int64(chunk.readableBytes)
        }
        return ContentHash(hex: SigV4Signer.hex(hasher.finalize()), size: size)
    }
}

/// A file's content as the transfer compares it.
private struct ContentHash: Equatable {
    let hex: String
    let size: Int64
}
