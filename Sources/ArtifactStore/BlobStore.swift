import NIOCore

/// What the store knows of one stored file.
public struct BlobInfo: Equatable, Sendable {
    public let path: ArtifactPath
    public let size: Int64
    /// Lower-case hex SHA-256 of the content, when it was recorded at upload.
    public let sha256: String?
}

/// One child of a listed folder.
public struct BlobEntry: Equatable, Sendable {
    public let name: String
    public let isDirectory: Bool
    /// Size in bytes (files only).
    public let size: Int64?
}

/// A file opened for reading: its size, the byte range served and its chunks.
public struct BlobContent: Sendable {
    public let size: Int64
    public let range: ClosedRange<Int64>?
    public let chunks: AsyncThrowingStream<ByteBuffer, any Error>
}

/// Where artifacts live: files under relative paths, streamed both ways. Knows nothing of
/// MLflow or ZenML; the local file system implements it today, an S3-compatible store can
/// later.
public protocol BlobStore: Sendable {
    /// Stores the chunks at `path` (replacing a file there) and returns what was stored.
    /// Nothing is visible at `path` until the whole upload arrived; `limit` bounds its size.
    func put<Chunks: AsyncSequence & Sendable>(_ path: ArtifactPath, chunks: Chunks, limit: Int64?) async throws -> BlobInfo
        where Chunks.Element == ByteBuffer
    /// Opens the file at `path`, the whole file or the inclusive byte `range`.
    func get(_ path: ArtifactPath, range: ClosedRange<Int64>?) async throws -> BlobContent
    /// The children of the folder at `path` (the root when nil), sorted by name; nil when
    /// there is no such folder.
    func list(_ path: ArtifactPath?) async throws -> [BlobEntry]?
    /// Removes the file or folder at `path`; removing nothing is not an error.
    func delete(_ path: ArtifactPath) async throws
    /// The file at `path`, or nil (also for folders).
    func stat(_ path: ArtifactPath) async throws -> BlobInfo?
}
