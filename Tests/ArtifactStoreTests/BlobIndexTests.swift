@testable import ArtifactStore
import Foundation
import PostgresTesting
@_spi(SQLiteImplementation) import Storage
import Testing

/// One contract for every `BlobIndex`: the SQLite index of the embedded default and the
/// PostgreSQL index of replicas sharing a database (on the cluster `make test` starts).
@Suite struct BlobIndexTests {
    func check(_ index: any BlobIndex) async throws {
        let file = try ArtifactPath("7/run/a_b%.txt"), sibling = try ArtifactPath("7/run2/x"), lookalike = try ArtifactPath("7/runXa_b%.txt")
        try await index.record(BlobInfo(path: file, size: 3, sha256: "aaa"))
        try await index.record(BlobInfo(path: sibling, size: 1, sha256: "bbb"))
        try await index.record(BlobInfo(path: lookalike, size: 1, sha256: "ccc"))
        #expect(try await index.digest(of: file) == "aaa")
        try await index.record(BlobInfo(path: file, size: 4, sha256: "ddd"))  // the last upload wins
        #expect(try await index.digest(of: file) == "ddd")
        try await index.forget(ArtifactPath("7/run"))  // a folder, with what is under it, and nothing that only looks alike
        #expect(try await index.digest(of: file) == nil)
        #expect(try await index.digest(of: sibling) == "bbb")
        #expect(try await index.digest(of: lookalike) == "ccc")
        try await index.forget(ArtifactPath("nothing/here"))
        #expect(try await index.digest(of: ArtifactPath("nothing/here")) == nil)
    }

    @Test func sqlite() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("blob-index-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await check(SQLiteBlobIndex(store: StateStore(path: folder + "/enclave.sqlite", migrationSets: [ArtifactStoreMigrations.set])))
    }

    @Test(.enabled(if: TestPostgres.enabled)) func postgres() async throws {
        let database = try await TestPostgres.freshDatabase()
        try await database.store.migrate([ArtifactStoreMigrations.postgres])
        try await check(PostgresBlobIndex(store: database.store))
        await database.drop()
    }
}
