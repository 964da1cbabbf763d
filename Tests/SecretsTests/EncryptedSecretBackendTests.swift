import Foundation
import GRDB
@_spi(SQLiteImplementation) import Storage
import PostgresTesting
import Testing
@testable import Secrets

/// The built-in backend over a real SQLite file and on PostgreSQL: nothing readable at rest,
/// values bound to their row, and a rotation that re-wraps everything while writers keep writing.
@Suite struct EncryptedSecretBackendTests {
    func withBackend(_ engine: TestEngine, _ test: (SecretsDatabase, EncryptedSecretBackend) async throws -> Void) async throws {
        try await SecretsDatabase.with(engine) { database in
            try await test(database, database.backend(SecretCipher(keyring: .generate())))
        }
    }

    @Test(arguments: TestEngine.tested) func valuesAreSealedAtRestAndOpenBack(engine: TestEngine) async throws {
        try await withBackend(engine) { database, backend in
            let plain = "Tr0ub4dor&3-unmistakable"
            try await backend.store(secretID: "s1", values: ["password": plain, "user": "svc-etl"])
            #expect(try await backend.values(secretID: "s1") == ["password": plain, "user": "svc-etl"])
            let hex = plain.utf8.map { String(format: "%02x", $0) }.joined()
            let stored = try await database.storedText()
            #expect(stored.contains("password"))  // what is read is what is stored
            for needle in [plain, Data(plain.utf8).base64EncodedString(), hex, "svc-etl"] { #expect(!stored.contains(needle)) }
            try await backend.store(secretID: "s1", values: ["token": "t"])
            #expect(try await backend.values(secretID: "s1") == ["token": "t"])
            try await backend.delete(secretID: "s1")
            #expect(try await backend.values(secretID: "s1").isEmpty)
        }
    }

    @Test(arguments: TestEngine.tested) func aValueCopiedToAnotherRowOrKeyDoesNotOpen(engine: TestEngine) async throws {
        try await withBackend(engine) { database, backend in
            try await backend.store(secretID: "a", values: ["password": "alpha"])
            try await backend.store(secretID: "b", values: ["password": "beta", "user": "bob"])
            try await database.execute("UPDATE secrets_values SET sealed = (SELECT sealed FROM secrets_values WHERE secret_id = 'a') WHERE secret_id = 'b' AND key = 'password'")
            await #expect(throws: SecretsError.self) { try await backend.values(secretID: "b") }
            try await database.execute("UPDATE secrets_values SET key = 'user2' WHERE secret_id = 'a'")
            await #expect(throws: SecretsError.self) { try await backend.values(secretID: "a") }
        }
    }

    @Test(arguments: TestEngine.tested) func rotationRewrapsEverythingWithoutLosingConcurrentWrites(engine: TestEngine) async throws {
        try await withBackend(engine) { database, old in
            for index in 0..<300 { try await old.store(secretID: "s\(index)", values: ["v": "old-\(index)"]) }
            let rotated = database.backend(SecretCipher(keyring: (try old.cipher).keyring.addingKey()))
            #expect(try await rotated.valuesToRewrap() == 300)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    while try await rotated.rewrapBatch(limit: 17) > 0 {}
                }
                group.addTask {
                    for index in stride(from: 0, to: 300, by: 3) { try await rotated.store(secretID: "s\(index)", values: ["v": "new-\(index)"]) }
                }
                try await group.waitForAll()
            }
            while try await rotated.rewrapBatch(limit: 50) > 0 {}
            #expect(try await rotated.valuesToRewrap() == 0)
            for index in 0..<300 {
                #expect(try await rotated.values(secretID: "s\(index)") == ["v": index % 3 == 0 ? "new-\(index)" : "old-\(index)"])
            }
            // The old key can go now: everything opens under the new one alone.
            let alone = database.backend(SecretCipher(keyring: Keyring(keys: [(try rotated.cipher).keyring.primary],
                                                                                                   primaryID: (try rotated.cipher).keyring.primaryID)))
            #expect(try await alone.values(secretID: "s7") == ["v": "old-7"])
        }
    }
}
