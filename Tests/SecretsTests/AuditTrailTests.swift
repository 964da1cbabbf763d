import Foundation
import GRDB
@_spi(SQLiteImplementation) import Storage
import Testing
@testable import Secrets

/// The audit chain in a real SQLite file: intact when untouched, and an edited, deleted or
/// forged record found and named by number, as `enclave audit verify` will report it.
@Suite struct AuditTrailTests {
    func withTrail(_ test: (StateStore, SQLiteAuditTrail) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("audit-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try StateStore(path: folder + "/enclave.sqlite", migrationSets: [SecretsMigrations.set])
        let trail = SQLiteAuditTrail(store: store)
        for index in 1...6 {
            _ = try await trail.append(AuditEntry(actor: "alice", action: index % 2 == 0 ? "read" : "update", secretID: "s\(index)",
                                                  address: "10.0.0.\(index)", outcome: "ok"))
        }
        try await test(store, trail)
    }

    @Test func anUntouchedChainIsIntact() async throws {
        try await withTrail { _, trail in
            #expect(try await trail.verify() == .intact(records: 6))
            #expect(try await trail.verify(pageSize: 2) == .intact(records: 6))
            let records = try await trail.records(after: 0, limit: 10)
            #expect(records.map(\.sequence) == [1, 2, 3, 4, 5, 6] && records[0].previousHash == AuditRecord.genesis)
            #expect(zip(records, records.dropFirst()).allSatisfy { $1.previousHash == $0.hash })
        }
    }

    @Test func anEditedRecordIsNamed() async throws {
        try await withTrail { store, trail in
            try await store.database.write { try $0.execute(sql: "UPDATE secrets_audit SET actor = 'mallory' WHERE sequence = 4") }
            #expect(try await trail.verify() == .broken(sequence: 4, reason: "record 4 was changed after it was written"))
        }
    }

    @Test func aDeletedRecordIsNamed() async throws {
        try await withTrail { store, trail in
            try await store.database.write { try $0.execute(sql: "DELETE FROM secrets_audit WHERE sequence = 3") }
            #expect(try await trail.verify() == .broken(sequence: 3, reason: "record 3 is missing (the next one is 4)"))
        }
    }

    @Test func aForgedRecordIsNamed() async throws {
        try await withTrail { store, trail in
            // Replaced in place with a self-consistent hash: the next record no longer follows it.
            let forged = AuditEntry(actor: "mallory", action: "read", secretID: "s2", address: nil, outcome: "ok")
            let hash = AuditRecord.hash(sequence: 2, at: "2026-01-01T00:00:00.000000", entry: forged, previousHash: (try await trail.records(after: 0, limit: 1))[0].hash)
            try await store.database.write { db in
                try db.execute(sql: "UPDATE secrets_audit SET at = ?, actor = 'mallory', address = NULL, hash = ? WHERE sequence = 2",
                               arguments: ["2026-01-01T00:00:00.000000", hash])
            }
            #expect(try await trail.verify() == .broken(sequence: 3, reason: "record 3 does not follow record 2"))
        }
    }

    @Test func concurrentWritersNeverForkTheChain() async throws {
        try await withTrail { _, trail in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        for _ in 0..<25 { _ = try await trail.append(AuditEntry(actor: "w\(writer)", action: "read", secretID: nil, address: nil, outcome: "ok")) }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await trail.verify() == .intact(records: 206))
        }
    }
}
