import Crypto
import Foundation
import NIOCore
import Storage

/// Uploads in parts, on the store's own multipart uploads. An open upload is recorded as a
/// small object under the reserved folder (its target path and the store's upload id), so
/// any replica can take the next part or complete it.
extension S3BlobStore: MultipartBlobStore {
    /// What an open upload's record holds.
    struct UploadRecord: Codable {
        let target: String
        let upload: String
    }

    public func beginUpload(_ path: ArtifactPath) async throws -> String {
        try checkOrdinary(path)
        let id = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        do {
            let upload = try await createMultipart(key(path))
            let record = try JSONEncoder().encode(UploadRecord(target: path.description, upload: upload))
            _ = try await client.send(.PUT, key: recordKey(id), body: .bytes(ByteBuffer(bytes: record)))
        } catch {
            throw Self.translated(error, path)
        }
        return id
    }

    public func putPart<Chunks: AsyncSequence & Sendable>(upload: String, number: Int, chunks: Chunks, limit: Int64?) async throws -> String
        where Chunks.Element == ByteBuffer {
        guard (1...MultipartLimits.maximumParts).contains(number) else {
            throw ArtifactStoreError.invalidPath("part numbers run from 1 to \(MultipartLimits.maximumParts)")
        }
        let (path, record) = try await openUpload(upload)
        let part = try await staging.stage(chunks, limit: limit)
        defer { unlink(part.file) }
        let disk = staging.disk
        do {
            _ = try await sendPart(key: key(path), upload: record.upload, number: number,
                                   body: .stream({ LocalBlobStore.concatenation(of: [part.file], disk: disk) }, length: part.size, sha256: part.sha256))
        } catch {
            throw Self.translated(error, path)
        }
        return part.sha256
    }

    public func completeUpload(_ upload: String, parts: [Int]) async throws -> BlobInfo {
        let (path, record) = try await openUpload(upload)
        guard !parts.isEmpty, parts.count <= MultipartLimits.maximumParts else {
            throw ArtifactStoreError.invalidPath("an upload is completed with 1 to \(MultipartLimits.maximumParts) parts")
        }
        guard zip(parts, parts.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw ArtifactStoreError.invalidPath("the parts of an upload are listed once each, in ascending order")
        }
        let key = key(path)
        do {
            let sent = try await uploadedParts(key: key, upload: record.upload)
            let tags = try parts.map { number -> (Int, String) in
                guard let tag = sent[number] else { throw ArtifactStoreError.notFound("part \(number) of upload \(upload) was never uploaded") }
                return (number, tag)
            }
            try await completeMultipart(key: key, upload: record.upload, parts: tags)
        } catch {
            throw Self.translated(error, path)
        }
        // The digest of the whole file is not the parts' digests: read it back once.
        let content = try await get(path, range: nil)
        let digest = try await Self.sha256(of: content.chunks)
        let info = BlobInfo(path: path, size: content.size, sha256: digest)
        try await index?.record(info)
        _ = try? await client.send(.DELETE, key: recordKey(upload), accepting: [404])
        return info
    }

    public func abortUpload(_ upload: String) async throws {
        guard MultipartLimits.isUploadID(upload) else { return }
        let path: ArtifactPath
        let record: UploadRecord
        do {
            (path, record) = try await openUpload(upload)
        } catch ArtifactStoreError.notFound {
            return
        }
        try? await abortMultipart(key: key(path), upload: record.upload)
        _ = try await client.send(.DELETE, key: recordKey(upload), accepting: [404])
    }

    /// The object holding an open upload's record.
    func recordKey(_ upload: String) -> String { folderPrefix(nil) + Self.reservedFolder + "/" + upload }

    /// An open upload's target and record; an unknown or malformed id is `notFound`.
    func openUpload(_ upload: String) async throws -> (ArtifactPath, UploadRecord) {
        let missing = ArtifactStoreError.notFound("no open upload with id '\(ArtifactPath.printable(upload))'")
        guard MultipartLimits.isUploadID(upload) else { throw missing }
        let reply = try await client.send(.GET, key: recordKey(upload), accepting: [404])
        let bytes = try await reply.bytes(upTo: 1 << 16)
        guard reply.status.code != 404, let record = try? JSONDecoder().decode(UploadRecord.self, from: Data(bytes)),
              let path = try? ArtifactPath(record.target) else { throw missing }
        return (path, record)
    }

    /// Starts the store's multipart upload of `key`; returns its upload id.
    func createMultipart(_ key: String) async throws -> String {
        let reply = try await client.send(.POST, key: key, query: [("uploads", "")])
        guard let id = S3XMLReply(try await reply.bytes(upTo: 1 << 20)).value("UploadId"), !id.isEmpty else {
            throw ArtifactStoreError.storage("the object store opened an upload without naming it")
        }
        return id
    }

    /// Sends one part; returns the store's ETag for it.
    func sendPart(key: String, upload: String, number: Int, body: S3Body) async throws -> String {
        let reply = try await client.send(.PUT, key: key, query: [("partNumber", String(number)), ("uploadId", upload)], body: body,
                                          timeout: .minutes(10))
        guard let tag = reply.headers.first(name: "etag") else { throw ArtifactStoreError.storage("the object store kept a part without an ETag") }
        return tag
    }

    /// The parts the store holds for an upload, by number, with their ETags.
    func uploadedParts(key: String, upload: String) async throws -> [Int: String] {
        var parts: [Int: String] = [:]
        var marker: String?
        repeat {
            var query = [("uploadId", upload)]
            if let marker { query.append(("part-number-marker", marker)) }
            let reply = S3XMLReply(try await client.send(.GET, key: key, query: query).bytes(upTo: 16 << 20))
            for part in reply.blocks("Part") {
                if let number = part.value("PartNumber").flatMap({ Int($0) }), let tag = part.value("ETag") { parts[number] = tag }
            }
            marker = reply.value("IsTruncated") == "true" ? reply.value("NextPartNumberMarker") : nil
        } while marker != nil
        return parts
    }

    /// Joins the parts, in order, into the object.
    func completeMultipart(key: String, upload: String, parts: [(Int, String)]) async throws {
        let listed = parts.map { "<Part><PartNumber>\($0.0)</PartNumber><ETag>\(Self.escaped($0.1))</ETag></Part>" }.joined()
        let body = ByteBuffer(string: "<CompleteMultipartUpload>\(listed)</CompleteMultipartUpload>")
        let reply = try await client.send(.POST, key: key, query: [("uploadId", upload)], body: .bytes(body), timeout: .minutes(10))
        // S3 may answer 200 and carry the failure in the body.
        let answer = S3XMLReply(try await reply.bytes(upTo: 1 << 20))
        if let code = answer.value("Code") {
            throw S3Failure(status: 500, code: code, message: answer.value("Message") ?? "")
        }
    }

    /// Drops the store's upload and its parts.
    func abortMultipart(key: String, upload: String) async throws {
        _ = try await client.send(.DELETE, key: key, query: [("uploadId", upload)], accepting: [404])
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// The SHA-256 of a stream's bytes.
    static func sha256(of chunks: AsyncThrowingStream<ByteBuffer, any Error>) async throws -> String {
        var hasher = SHA256()
        for try await chunk in chunks { chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) } }
        return SigV4Signer.hex(hasher.finalize())
    }
}
