@testable import ArtifactStore
import Foundation
import NIOCore
import Storage
import Testing

/// The local store on a real folder and a real SQLite index.
@Suite final class LocalBlobStoreTests {
    let folder: String
    let store: LocalBlobStore

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("artifact-store-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let state = try StateStore(path: folder + "/enclave.sqlite", migrationSets: [ArtifactStoreMigrations.set])
        store = try LocalBlobStore(root: folder + "/artifacts", index: SQLiteBlobIndex(store: state))
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    func chunks(_ parts: [String]) -> AsyncStream<ByteBuffer> {
        AsyncStream { continuation in
            for part in parts { continuation.yield(ByteBuffer(string: part)) }
            continuation.finish()
        }
    }

    func read(_ content: BlobContent) async throws -> String {
        var text = ""
        for try await chunk in content.chunks { text += String(buffer: chunk) }
        return text
    }

    @Test func storesListsReadsRangesAndDeletes() async throws {
        let path = try ArtifactPath("7/run/artifacts/dir/hello world.txt")
        let info = try await store.put(path, chunks: chunks(["hello ", "world"]), limit: nil)
        #expect(info.size == 11 && info.sha256 == "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9")
        #expect(try await read(store.get(path, range: nil)) == "hello world")
        #expect(try await read(store.get(path, range: 6...10)) == "world")
        await #expect(throws: ArtifactStoreError.self) { _ = try await store.get(path, range: 5...11) }
        #expect(try await store.stat(path)?.sha256 == info.sha256)
        #expect(try await store.list(ArtifactPath("7/run/artifacts")) == [BlobEntry(name: "dir", isDirectory: true, size: nil)])
        #expect(try await store.list(ArtifactPath("7/run/artifacts/dir")) == [BlobEntry(name: "hello world.txt", isDirectory: false, size: 11)])
        #expect(try await store.list(ArtifactPath("7/run/artifacts/dir/hello world.txt")) == nil)
        #expect(try await store.list(ArtifactPath("7/nothing")) == nil)

        _ = try await store.put(path, chunks: chunks(["replaced"]), limit: nil)
        #expect(try await read(store.get(path, range: nil)) == "replaced")
        try await store.delete(ArtifactPath("7/run"))
        #expect(try await store.stat(path) == nil)
        #expect(try await store.list(ArtifactPath("7")) == [])
        try await store.delete(ArtifactPath("7/run"))  // nothing there: not an error
    }

    @Test func aFailedOrOversizedUploadLeavesNothingBehind() async throws {
        let path = try ArtifactPath("big.bin")
        await #expect(throws: ArtifactStoreError.self) { _ = try await store.put(path, chunks: chunks(["12345", "67890"]), limit: 8) }
        struct Broken: Error {}
        let failing = AsyncThrowingStream<ByteBuffer, any Error> { continuation in
            continuation.yield(ByteBuffer(string: "partial"))
            continuation.finish(throwing: Broken())
        }
        await #expect(throws: Broken.self) { _ = try await store.put(path, chunks: failing, limit: nil) }
        #expect(try await store.stat(path) == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/artifacts.incoming").isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/artifacts").isEmpty)
    }

    @Test func symbolicLinksInsideTheRootAreNeverFollowed() async throws {
        let outside = folder + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try "secret".write(toFile: outside + "/secret.txt", atomically: true, encoding: .utf8)
        _ = try await store.put(ArtifactPath("1/file.txt"), chunks: chunks(["x"]), limit: nil)
        try FileManager.default.createSymbolicLink(atPath: folder + "/artifacts/1/escape", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: folder + "/artifacts/1/secret-link.txt", withDestinationPath: outside + "/secret.txt")

        await #expect(throws: ArtifactStoreError.self) { _ = try await store.get(ArtifactPath("1/escape/secret.txt"), range: nil) }
        await #expect(throws: ArtifactStoreError.self) { _ = try await store.get(ArtifactPath("1/secret-link.txt"), range: nil) }
        await #expect(throws: ArtifactStoreError.self) { _ = try await store.put(ArtifactPath("1/escape/planted.txt"), chunks: chunks(["x"]), limit: nil) }
        #expect(try await store.list(ArtifactPath("1/escape")) == nil)
        #expect(try await store.list(ArtifactPath("1"))?.map(\.name) == ["file.txt"])  // links are not listed
        try await store.delete(ArtifactPath("1"))  // removes the links themselves, not what they point at
        #expect(try String(contentsOfFile: outside + "/secret.txt", encoding: .utf8) == "secret")
        #expect(!FileManager.default.fileExists(atPath: outside + "/planted.txt"))
    }

    @Test func aFolderIsNotReplacedByAFile() async throws {
        _ = try await store.put(ArtifactPath("a/b/c.txt"), chunks: chunks(["x"]), limit: nil)
        await #expect(throws: ArtifactStoreError.self) { _ = try await store.put(ArtifactPath("a/b"), chunks: chunks(["y"]), limit: nil) }
        await #expect(throws: ArtifactStoreError.self) { _ = try await store.put(ArtifactPath("a/b/c.txt/d"), chunks: chunks(["y"]), limit: nil) }
        #expect(try await store.stat(ArtifactPath("a/b")) == nil)
    }

    /// 1 GiB through the store in 1 MiB chunks, both ways, without the process growing by
    /// more than 100 MiB.
    @Test func aGibibyteStreamsBothWaysInBoundedMemory() async throws {
        let before = Self.residentBytes()
        let chunk = ByteBuffer(repeating: 0x5A, count: 1 << 20)
        let upload = AsyncStream<ByteBuffer> { continuation in
            for _ in 0..<1024 { continuation.yield(chunk) }
            continuation.finish()
        }
        let path = try ArtifactPath("large/weights.bin")
        let info = try await store.put(path, chunks: upload, limit: nil)
        #expect(info.size == 1 << 30)
        var received: Int64 = 0
        for try await part in try await store.get(path, range: nil).chunks { received += Int64(part.readableBytes) }
        #expect(received == 1 << 30)
        let growth = Self.residentBytes() - before
        #expect(growth < 100 << 20, "resident memory grew by \(growth >> 20) MiB")
        try await store.delete(path)
    }

    static func residentBytes() -> Int64 {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int64(fields[1]) ?? 0) * Int64(sysconf(Int32(_SC_PAGESIZE))) : 0
    }
}
