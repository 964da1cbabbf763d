import Foundation
import GRDB
import PostgresTesting
@_spi(SQLiteImplementation) import Storage
import Testing
@testable import Secrets

/// The audit chain in a real SQLite file and on PostgreSQL: intact when untouched, and an
/// edited, deleted or forged record found and named by number, as `enclave audit verify`
/// reports it; appends from several writers (and several replicas) stay one chain.
@Suite struct AuditTrailTests {
    func withTrail(_ engine: TestEngine, _ test: (SecretsDatabase, any AuditTrail) async throws -> Void) async throws {
        try await SecretsDatabase.with(engine) { database in
            for index in 1...6 {
                _ = try await database.audit.append(AuditEntry(actor: "alice", action: index % 2 == 0 ? "read" : "update", secretID: "s\(index)",
                                                               address: "10.0.0.\(index)", outcome: "ok"))
            }
            try await test(database, database.audit)
        }
    }

    @Test(arguments: TestEngine.tested) func anUntouchedChainIsIntact(engine: TestEngine) async throws {
        try await withTrail(engine) { _, trail in
            #expect(try await trail.verify() == .intact(records: 6))
            #expect(try await trail.verify(pageSize: 2) == .intact(records: 6))
            let records = try await trail.records(after: 0, limit: 10)
            #expect(records.map(\.sequence) == [1, 2, 3, 4, 5, 6] && records[0].previousHash == AuditRecord.genesis)
            #expect(zip(records, records.dropFirst()).allSatisfy { $1.previousHash == $0.hash })
        }
    }

    @Test(arguments: TestEngine.tested) func anEditedRecordIsNamed(engine: TestEngine) async throws {
        try await withTrail(engine) { store, trail in
            try await store.execute("UPDATE secrets_audit SET actor = 'mallory' WHERE sequence = 4")
            #expect(try await trail.verify() == .broken(sequence: 4, reason: "record 4 was changed after it was written"))
        }
    }

    @Test(arguments: TestEngine.tested) func aDeletedRecordIsNamed(engine: TestEngine) async throws {
        try await withTrail(engine) { store, trail in
            try await store.execute("DELETE FROM secrets_audit WHERE sequence = 3")
            #expect(try await trail.verify() == .broken(sequence: 3, reason: "record 3 is missing (the next one is 4)"))
        }
    }

    @Test(arguments: TestEngine.tested) func aForgedRecordIsNamed(engine: TestEngine) async throws {
        try await withTrail(engine) { store, trail in
            // Replaced in place with a self-consistent hash: the next record no longer follows it.
            let forged = AuditEntry(actor: "mallory", action: "read", secretID: "s2", address: nil, outcome: "ok")
            let hash = AuditRecord.hash(sequence: 2, at: "2026-01-01T00:00:00.000000", entry: forged, previousHash: (try await trail.records(after: 0, limit: 1))[0].hash)
            try await store.execute("UPDATE secrets_audit SET at = '2026-01-01T00:00:00.000000', actor = 'mallory', address = NULL, hash = '\(hash)' WHERE sequence = 2")
            #expect(try await trail.verify() == .broken(sequence: 3, reason: "record 3 does not follow record 2"))
        }
    }

    @Test(arguments: TestEngine.tested) func concurrentWritersNeverForkTheChain(engine: TestEngine) async throws {
        try await withTrail(engine) { _, trail in
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

    @Test(.enabled(if: TestPostgres.enabled)) func appendsFromThreeReplicasStayOneChain() async throws {
        try await SecretsDatabase.with(.postgres) { database in
            guard let second = database.replica(), let third = database.replica() else { Issue.record("no replicas"); return }
            defer { second.running.cancel(); third.running.cancel() }
            let trails: [any AuditTrail] = [database.audit, second.audit, third.audit]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (replica, trail) in trails.enumerated() {
                    for writer in 0..<4 {
                        group.addTask {
                            for _ in 0..<15 {
                                _ = try await trail.append(AuditEntry(actor: "r\(replica)w\(writer)", action: "read", secretID: nil, address: nil, outcome: "ok"))
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await second.audit.verify() == .intact(records: 180))
        }
    }
}
