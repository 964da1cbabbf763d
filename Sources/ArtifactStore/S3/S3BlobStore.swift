import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import Storage

/// The artifact store on an S3-compatible object store (AWS S3, SeaweedFS, MinIO, Ceph):
/// each artifact is the object `PREFIX/PATH` in one bucket. Uploads stream through in
/// parts of `partSize` bytes, each signed with its SHA-256; a file larger than one part
/// becomes a multipart upload, so nothing is visible at a path until all of it arrived.
/// Reads stream straight from the store, ranged when asked. Digests go to `index` as with
/// the local store. Nothing is kept in memory between requests: every replica sees the same
/// store.
public final class S3BlobStore: BlobStore {
    let client: S3Client
    let index: (any BlobIndex)?
    /// Where parts that clients send separately are written before they go on (their length
    /// and digest must be known to sign them).
    let staging: UploadStaging
    let partSize: Int
    /// The first path component Enclave keeps its own records under (open uploads); no
    /// artifact may use it.
    static let reservedFolder = ".enclave-uploads"

    /// A store at `location`, recording digests in `index`, staging client-sent parts in
    /// `spoolFolder` (created 0700), sending uploads in parts of `partSize` bytes (S3's
    /// smallest part is 5 MiB).
    public init(location: S3Location, index: (any BlobIndex)?, spoolFolder: String, partSize: Int = 8 << 20,
                disk: any DiskCalls = ThreadPoolDiskCalls()) throws {
        client = S3Client(location: location)
        self.index = index
        self.partSize = max(partSize, 5 << 20)
        do {
            try FileManager.default.createDirectory(atPath: spoolFolder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ArtifactStoreError.storage("cannot create the upload folder: \(error.localizedDescription)")
        }
        staging = UploadStaging(folder: spoolFolder, disk: disk)
    }

    /// Checks that the bucket exists and the keys may use it; said in the operator's terms.
    public func checkReachable() async throws {
        do {
            _ = try await client.send(.GET, key: nil, query: [("list-type", "2"), ("max-keys", "1")], timeout: .seconds(15))
        } catch let failure as S3Failure {
            throw ArtifactStoreError.storage("the object store refused bucket '\(client.location.bucket)': \(failure.code) \(failure.message)")
        }
    }

    /// The object key of `path`.
    func key(_ path: ArtifactPath) -> String {
        client.location.prefix.isEmpty ? path.description : client.location.prefix + "/" + path.description
    }

    /// The key prefix of everything under `path` (the whole store when nil), ending in `/`
    /// unless it is the bucket's root.
    func folderPrefix(_ path: ArtifactPath?) -> String {
        if let path { return key(path) + "/" }
        return client.location.prefix.isEmpty ? "" : client.location.prefix + "/"
    }

    /// Refuses the folder Enclave keeps its upload records in.
    func checkOrdinary(_ path: ArtifactPath) throws {
        if path.components.first == Self.reservedFolder { throw ArtifactStoreError.invalidPath("'\(Self.reservedFolder)' is reserved by the store") }
    }

    public func put<Chunks: AsyncSequence & Sendable>(_ path: ArtifactPath, chunks: Chunks, limit: Int64?) async throws -> BlobInfo
        where Chunks.Element == ByteBuffer {
        try checkOrdinary(path)
        let key = key(path)
        var hasher = SHA256()
        var size: Int64 = 0
        var pending = ByteBuffer()
        var upload: (id: String, parts: [(Int, String)])?
        do {
            for try await chunk in chunks {
                size += Int64(chunk.readableBytes)
                if let limit, size > limit { throw ArtifactStoreError.tooLarge("the upload is larger than \(limit) bytes") }
                chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
                var chunk = chunk
                pending.writeBuffer(&chunk)
                while pending.readableBytes >= partSize, let part = pending.readSlice(length: partSize) {
                    if upload == nil { upload = (try await createMultipart(key), []) }
                    if let id = upload?.id, let number = upload.map({ $0.parts.count + 1 }) {
                        upload?.parts.append((number, try await sendPart(key: key, upload: id, number: number, body: .bytes(part))))
                    }
                    pending.discardReadBytes()
                }
            }
            if let open = upload {
                var parts = open.parts
                if pending.readableBytes > 0 {
                    parts.append((parts.count + 1, try await sendPart(key: key, upload: open.id, number: parts.count + 1, body: .bytes(pending))))
                }
                try await completeMultipart(key: key, upload: open.id, parts: parts)
            } else {
                _ = try await client.send(.PUT, key: key, body: .bytes(pending), timeout: .minutes(5))
            }
        } catch {
            if let open = upload { try? await abortMultipart(key: key, upload: open.id) }
            throw Self.translated(error, path)
        }
        let info = BlobInfo(path: path, size: size, sha256: SigV4Signer.hex(hasher.finalize()))
        try await index?.record(info)
        return info
    }

    public func get(_ path: ArtifactPath, range: ClosedRange<Int64>?) async throws -> BlobContent {
        try checkOrdinary(path)
        if let range, range.lowerBound < 0 || range.upperBound < range.lowerBound {
            throw ArtifactStoreError.unsatisfiableRange("bytes \(range.lowerBound)-\(range.upperBound) is not a range")
        }
        let headers = range.map { [("range", "bytes=\($0.lowerBound)-\($0.upperBound)")] } ?? []
        let response: S3ObjectReply
        do {
            response = S3ObjectReply(try await client.send(.GET, key: key(path), headers: headers))
        } catch {
            throw Self.translated(error, path)
        }
        var size = response.length
        if let range {
            // `bytes FIRST-LAST/SIZE`: the store clamps a range that runs past the end; the
            // local store refuses it, and so does this one.
            guard let served = response.contentRange, served.range == range else {
                throw ArtifactStoreError.unsatisfiableRange("bytes \(range.lowerBound)-\(range.upperBound) are outside '\(path)'")
            }
            size = served.size
        }
        guard let size else { throw ArtifactStoreError.storage("the object store sent '\(path)' without its length") }
        return BlobContent(size: size, range: range, chunks: response.chunks(expected: range.map { $0.upperBound - $0.lowerBound + 1 } ?? size, path: path))
    }

    public func list(_ path: ArtifactPath?) async throws -> [BlobEntry]? {
        if let path { try checkOrdinary(path) }
        let prefix = folderPrefix(path)
        var entries: [BlobEntry] = []
        var token: String?
        repeat {
            var query = [("list-type", "2"), ("delimiter", "/"), ("prefix", prefix)]
            if let token { query.append(("continuation-token", token)) }
            let reply: S3XMLReply
            do {
                reply = S3XMLReply(try await client.send(.GET, key: nil, query: query).bytes(upTo: 32 << 20))
            } catch {
                throw Self.translated(error, path)
            }
            for folder in reply.blocks("CommonPrefixes") {
                let name = String((folder.value("Prefix") ?? "").dropFirst(prefix.count).dropLast())
                if !name.isEmpty, !name.contains("/"), !(path == nil && name == Self.reservedFolder) {
                    entries.append(BlobEntry(name: name, isDirectory: true, size: nil))
                }
            }
            for object in reply.blocks("Contents") {
                let name = String((object.value("Key") ?? "").dropFirst(prefix.count))
                if !name.isEmpty, !name.contains("/") {  // a folder marker (`name/`) is not a file
                    entries.append(BlobEntry(name: name, isDirectory: false, size: object.value("Size").flatMap { Int64($0) } ?? 0))
                }
            }
            token = reply.value("IsTruncated") == "true" ? reply.value("NextContinuationToken") : nil
        } while token != nil
        if entries.isEmpty, path != nil { return nil }
        return entries.sorted { $0.name < $1.name }
    }

    public func delete(_ path: ArtifactPath) async throws {
        try checkOrdinary(path)
        do {
            _ = try await client.send(.DELETE, key: key(path), accepting: [404])
            for key in try await client.keys(under: folderPrefix(path)) {
                _ = try await client.send(.DELETE, key: key, accepting: [404])
            }
        } catch {
            throw Self.translated(error, path)
        }
        try await index?.forget(path)
    }

    public func stat(_ path: ArtifactPath) async throws -> BlobInfo? {
        try checkOrdinary(path)
        let response: S3ObjectReply
        do {
            response = S3ObjectReply(try await client.send(.HEAD, key: key(path), accepting: [404]))
        } catch {
            throw Self.translated(error, path)
        }
        guard response.status != 404, let size = response.length else { return nil }
        return BlobInfo(path: path, size: size, sha256: try await index?.digest(of: path))
    }

    /// An `S3Failure` in the artifact store's terms; other errors pass through.
    static func translated(_ error: any Error, _ path: ArtifactPath?) -> any Error {
        guard let failure = error as? S3Failure else { return error }
        let name = path.map { "'\($0)'" } ?? "the store's root"
        switch (failure.status, failure.code) {
        case (404, _): return ArtifactStoreError.notFound("no such artifact: \(name)")
        case (416, _): return ArtifactStoreError.unsatisfiableRange("the range is outside \(name)")
        default:
            let detail = failure.message.isEmpty ? "" : ": \(failure.message)"
            return ArtifactStoreError.storage("the object store refused \(name) (\(failure.code)\(detail))")
        }
    }
}
