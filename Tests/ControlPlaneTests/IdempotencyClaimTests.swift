@testable import ControlPlane
import Foundation
import GRDB
import Identity
@_spi(SQLiteImplementation) import Storage
import Testing

/// The ledger's claim commits with the write it guards: a write that committed is never
/// performed again, even when its server stopped before keeping the answer, and a write
/// whose claim was taken over by a retry writes nothing.
@Suite struct IdempotencyClaimTests {
    let store: StateStore
    let ledger: SQLiteIdempotencyLedger
    let pipelines: SQLitePipelineRepository

    init() throws {
        store = try StateStore.inMemory(migrationSets: [IdentityMigrations.set, ControlPlaneMigrations.set])
        try SQLiteDefaultObjects.ensure(in: store)
        ledger = SQLiteIdempotencyLedger(store: store)
        pipelines = SQLitePipelineRepository(writer: store.database)
    }

    func claim(_ key: String) async throws -> String {
        guard case let .claimed(token) = try await ledger.claim(key: key, userID: "u", method: "POST", path: "/api/v1/pipelines") else {
            throw TestFailure("key \(key) was not claimed")
        }
        return token
    }

    /// Makes a pipeline under the claim `token` of `key`, as `Endpoints.write` does.
    func createPipeline(_ name: String, key: String, token: String) async throws -> String {
        try await WriteGuard.$current.withValue(ledger.guard(key: key, userID: "u", token: token)) {
            try await pipelines.createPipeline(PipelineDraft(project: "default", name: name, tags: []))
        }
    }

    /// Ages the claim of `key` past the point where it counts as abandoned.
    func abandon(_ key: String) async throws {
        let old = Timestamp.format(Date().addingTimeInterval(-SQLiteIdempotencyLedger.abandonedAfter - 60))
        try await store.database.write { db in
            try db.execute(sql: "UPDATE idempotent_requests SET created = ? WHERE key = ?", arguments: [old, key])
        }
    }

    func pipelineCount() async throws -> Int {
        try await store.database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM pipelines") ?? 0 }
    }

    @Test func aWriteThatCommittedIsNeverPerformedAgainAfterACrash() async throws {
        let token = try await claim("k1")
        _ = try await createPipeline("trained", key: "k1", token: token)
        // The server stops here: the write committed, its answer was never stored.
        try await abandon("k1")
        await #expect(throws: ControlPlaneError.self) { _ = try await claim("k1") }
        #expect(try await pipelineCount() == 1)
        // Giving the key back after such a failure keeps it: the write must not happen twice.
        try await ledger.release(key: "k1", userID: "u", token: token)
        await #expect(throws: ControlPlaneError.self) { _ = try await claim("k1") }
    }

    @Test func aClaimAbandonedBeforeItsWriteIsTakenOverAndTheLateWriteRollsBack() async throws {
        let slow = try await claim("k2")
        try await abandon("k2")
        let retry = try await claim("k2")
        #expect(retry != slow)
        // The first request wakes up and writes: its claim is gone, so nothing of it is kept.
        await #expect(throws: ControlPlaneError.self) { _ = try await createPipeline("late", key: "k2", token: slow) }
        #expect(try await pipelineCount() == 0)
        _ = try await createPipeline("retried", key: "k2", token: retry)
        try await ledger.answer(key: "k2", userID: "u", token: retry, status: 200, body: Array("{}".utf8))
        guard case let .answered(status, _) = try await ledger.claim(key: "k2", userID: "u", method: "POST", path: "/api/v1/pipelines") else {
            throw TestFailure("the answered key was claimed again")
        }
        #expect(status == 200)
        #expect(try await pipelineCount() == 1)
    }
}
