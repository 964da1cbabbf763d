@testable import ArtifactStore
import Crypto
import Foundation
import NIOCore
@_spi(SQLiteImplementation) import Storage
import Testing

/// The S3 store against a real S3 server: the SeaweedFS that `make test` starts on loopback
/// (`Tests/Services/with-services.sh`, variables `ENCLAVE_TEST_S3_*`). Without it the suite is
/// off on a developer's machine and fails on CI, never passes by skipping.
/// The test store's settings, as `Tests/Services/seaweedfs.sh` wrote them; nil when it is not running.
let seaweedFS: [String: String]? = {
    let env = ProcessInfo.processInfo.environment
    guard let endpoint = env["ENCLAVE_TEST_S3_ENDPOINT"], let bucket = env["ENCLAVE_TEST_S3_BUCKET"],
          let key = env["ENCLAVE_TEST_S3_ACCESS_KEY"], let secret = env["ENCLAVE_TEST_S3_SECRET_KEY"] else { return nil }
    return ["ENCLAVE_S3_ENDPOINT": endpoint, "bucket": bucket, "AWS_ACCESS_KEY_ID": key, "AWS_SECRET_ACCESS_KEY": secret]
}()

@Suite(.enabled(if: seaweedFS != nil || ProcessInfo.processInfo.environment["CI"] != nil))
final class S3BlobStoreTests {
    let folder: String
    let state: StateStore
    let prefix = "tests-\(UUID().uuidString.lowercased())"

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("s3-store-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        state = try StateStore(path: folder + "/enclave.sqlite", migrationSets: [ArtifactStoreMigrations.set])
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    func location(secret: String? = nil, endpoint: String? = nil) throws -> S3Location {
        guard var env = seaweedFS else {
            throw S3SettingError("SeaweedFS is not running: run the tests through `make test` (Tests/Services/with-services.sh)")
        }
        if let secret { env["AWS_SECRET_ACCESS_KEY"] = secret }
        if let endpoint { env["ENCLAVE_S3_ENDPOINT"] = endpoint }
        return try S3Location.resolve(uri: "s3://\(env["bucket"] ?? "")/\(prefix)", environment: env)
    }

    func store(secret: String? = nil, endpoint: String? = nil) throws -> S3BlobStore {
        try S3BlobStore(location: location(secret: secret, endpoint: endpoint), index: SQLiteBlobIndex(store: state),
                        spoolFolder: folder + "/spool", partSize: 5 << 20)
    }

    func chunks(_ parts: [String]) -> AsyncStream<ByteBuffer> {
        AsyncStream { continuation in
            for part in parts { continuation.yield(ByteBuffer(string: part)) }
            continuation.finish()
        }
    }

    func read(_ content: BlobContent) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in content.chunks { bytes += chunk.readableBytesView }
        return bytes
    }

    @Test func storesListsReadsRangesAndDeletes() async throws {
        let store = try store()
        try await store.checkReachable()
        let path = try ArtifactPath("7/run/artifacts/dir/hello world+ü.txt")
        let info = try await store.put(path, chunks: chunks(["hello ", "world"]), limit: nil)
        #expect(info.size == 11 && info.sha256 == "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9")
        #expect(try await read(store.get(path, range: nil)) == Array("hello world".utf8))
        let ranged = try await store.get(path, range: 6...10)
        #expect(ranged.size == 11 && ranged.range == 6...10)
        #expect(try await read(ranged) == Array("world".utf8))
        await #expect(throws: ArtifactStoreError.self) { _ = try await store.get(path, range: 5...11) }
        #expect(try await store.stat(path) == BlobInfo(path: path, size: 11, sha256: info.sha256))
        #expect(try await store.list(ArtifactPath("7/run/artifacts")) == [BlobEntry(name: "dir", isDirectory: true, size: nil)])
        #expect(try await store.list(ArtifactPath("7/run/artifacts/dir")) == [BlobEntry(name: "hello world+ü.txt", isDirectory: false, size: 11)])
        #expect(try await store.list(ArtifactPath("7/run/artifacts/dir/hello world+ü.txt")) == nil)
        #expect(try await store.list(ArtifactPath("7/nothing")) == nil)
        #expect(try await store.list(nil) == [BlobEntry(name: "7", isDirectory: true, size: nil)])

        _ = try await store.put(path, chunks: chunks(["replaced"]), limit: nil)
        #expect(try await read(store.get(path, range: nil)) == Array("replaced".utf8))
        try await store.delete(ArtifactPath("7/run"))
        #expect(try await store.stat(path) == nil)
        #expect(try await state.database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM artifact_blobs") } == 0)
        // No object is left under the folder. (SeaweedFS, unlike AWS, goes on listing the
        // emptied folders as common prefixes, so the listing itself is not compared.)
        #expect(try await store.client.keys(under: store.folderPrefix(ArtifactPath("7"))).isEmpty)
        try await store.delete(ArtifactPath("7/run"))  // nothing there: not an error
        await #expect(throws: ArtifactStoreError.notFound("no such artifact: '7/run/artifacts/dir/hello world+ü.txt'")) {
            _ = try await store.get(path, range: nil)
        }
    }

    @Test func aFileLargerThanAPartIsSentInPartsAndReadBackWhole() async throws {
        let store = try store()
        let bytes = (0..<(12 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
        let stream = AsyncStream<ByteBuffer> { continuation in
            var offset = 0
            while offset < bytes.count {  // odd-sized chunks, as a network delivers them
                let end = min(bytes.count, offset + 700_001)
                continuation.yield(ByteBuffer(bytes: bytes[offset..<end]))
                offset = end
            }
            continuation.finish()
        }
        let path = try ArtifactPath("big/model.bin")
        let info = try await store.put(path, chunks: stream, limit: nil)
        let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        #expect(info.size == Int64(bytes.count) && info.sha256 == digest)
        #expect(try await read(store.get(path, range: nil)) == bytes)
        let tail = try await store.get(path, range: Int64(bytes.count - 10)...Int64(bytes.count - 1))
        #expect(try await read(tail) == Array(bytes.suffix(10)))
        #expect(try await store.client.send(.GET, key: nil, query: [("uploads", "")]).bytes(upTo: 1 << 20)
            .count > 0)  // the listing of open uploads answers…
        #expect(try await openUploads(store).isEmpty)  // …and none was left open
    }

    @Test func aFailedOrOversizedUploadLeavesNothingBehind() async throws {
        let store = try store()
        let path = try ArtifactPath("big.bin")
        await #expect(throws: ArtifactStoreError.self) { _ = try await store.put(path, chunks: chunks(["12345", "67890"]), limit: 8) }
        struct Broken: Error {}
        let failing = AsyncThrowingStream<ByteBuffer, any Error> { continuation in
            continuation.yield(ByteBuffer(repeating: 1, count: 6 << 20))  // one part already sent
            continuation.finish(throwing: Broken())
        }
        await #expect(throws: Broken.self) { _ = try await store.put(path, chunks: failing, limit: nil) }
        #expect(try await store.stat(path) == nil)
        #expect(try await openUploads(store).isEmpty)
        #expect(try await store.list(nil) == [])
    }

    @Test func partsSentSeparatelyAreJoinedInOrder() async throws {
        let store = try store()
        let path = try ArtifactPath("mpu/weights.bin")
        let upload = try await store.beginUpload(path)
        #expect(MultipartLimits.isUploadID(upload))
        let first = [UInt8](repeating: 65, count: 5 << 20)
        let etag2 = try await store.putPart(upload: upload, number: 2, chunks: chunks(["tail"]), limit: nil)
        let etag1 = try await store.putPart(upload: upload, number: 1, chunks: [ByteBuffer(bytes: first)].async, limit: nil)
        #expect(etag1 == SHA256.hash(data: first).map { String(format: "%02x", $0) }.joined())
        #expect(etag2 == SHA256.hash(data: Data("tail".utf8)).map { String(format: "%02x", $0) }.joined())
        await #expect(throws: ArtifactStoreError.self) { _ = try await store.completeUpload(upload, parts: [2, 1]) }
        await #expect(throws: ArtifactStoreError.self) { _ = try await store.completeUpload(upload, parts: [1, 2, 3]) }
        let info = try await store.completeUpload(upload, parts: [1, 2])
        #expect(info.size == Int64(first.count + 4))
        #expect(try await read(store.get(path, range: nil)) == first + Array("tail".utf8))
        #expect(try await store.stat(path)?.sha256 == SHA256.hash(data: first + Array("tail".utf8)).map { String(format: "%02x", $0) }.joined())
        await #expect(throws: ArtifactStoreError.self) { _ = try await store.putPart(upload: upload, number: 3, chunks: chunks(["x"]), limit: nil) }
        #expect(try await store.list(nil) == [BlobEntry(name: "mpu", isDirectory: true, size: nil)])  // the upload record is gone and hidden

        let dropped = try await store.beginUpload(try ArtifactPath("mpu/dropped.bin"))
        _ = try await store.putPart(upload: dropped, number: 1, chunks: chunks(["x"]), limit: nil)
        try await store.abortUpload(dropped)
        try await store.abortUpload(dropped)  // twice: not an error
        await #expect(throws: ArtifactStoreError.self) { _ = try await store.completeUpload(dropped, parts: [1]) }
        #expect(try await openUploads(store).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/spool").isEmpty)
    }

    @Test func theReservedFolderAndForgedUploadIDsAreRefused() async throws {
        let store = try store()
        let reserved = try ArtifactPath(".enclave-uploads/0123456789abcdef0123456789abcdef")
        await #expect(throws: ArtifactStoreError.self) { _ = try await store.put(reserved, chunks: chunks(["{}"]), limit: nil) }
        await #expect(throws: ArtifactStoreError.self) { _ = try await store.get(reserved, range: nil) }
        await #expect(throws: ArtifactStoreError.self) { try await store.delete(reserved) }
        await #expect(throws: ArtifactStoreError.self) { _ = try await store.list(try ArtifactPath(".enclave-uploads")) }
        for forged in ["../../x", "0123456789abcdef0123456789abcdef", String(repeating: "a", count: 4000)] {
            await #expect(throws: ArtifactStoreError.self) { _ = try await store.putPart(upload: forged, number: 1, chunks: self.chunks(["x"]), limit: nil) }
            await #expect(throws: ArtifactStoreError.self) { _ = try await store.completeUpload(forged, parts: [1]) }
        }
    }

    @Test func wrongKeysAndAnUnreachableStoreAreClearErrorsWithoutTheSecret() async throws {
        let wrong = try store(secret: "not-the-secret-at-all")
        do {
            try await wrong.checkReachable()
            Issue.record("a wrong secret was accepted")
        } catch let error as ArtifactStoreError {
            #expect(error.message.contains("SignatureDoesNotMatch") || error.message.contains("AccessDenied") || error.message.contains("InvalidAccessKeyId"))
            #expect(!error.message.contains("not-the-secret-at-all"))
        }
        let closed = try store(endpoint: "http://127.0.0.1:9")
        do {
            _ = try await closed.put(try ArtifactPath("a.txt"), chunks: chunks(["x"]), limit: nil)
            Issue.record("an unreachable store took an upload")
        } catch let error as ArtifactStoreError {
            #expect(error.message.hasPrefix("cannot reach the object store at 127.0.0.1:9"))
        }
    }

    /// The store's multipart uploads still open under this test's prefix.
    func openUploads(_ store: S3BlobStore) async throws -> [String] {
        let reply = S3XMLReply(try await store.client.send(.GET, key: nil, query: [("uploads", ""), ("prefix", prefix + "/")]).bytes(upTo: 1 << 20))
        return reply.blocks("Upload").compactMap { $0.value("Key") }
    }
}
