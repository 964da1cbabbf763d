import Foundation
import GRDB
@_spi(SQLiteImplementation) import Storage
import Testing
@testable import Secrets

/// The built-in backend over a real SQLite file: nothing readable at rest, values bound to
/// their row, and a rotation that re-wraps everything while writers keep writing.
@Suite struct EncryptedSecretBackendTests {
    func withBackend(_ test: (String, StateStore, EncryptedSecretBackend) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("secrets-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try StateStore(path: folder + "/enclave.sqlite", migrationSets: [SecretsMigrations.set])
        try await test(folder, store, EncryptedSecretBackend(store: store, cipher: SecretCipher(keyring: .generate())))
    }

    @Test func valuesAreSealedAtRestAndOpenBack() async throws {
        try await withBackend { folder, _, backend in
            let plain = "Tr0ub4dor&3-unmistakable"
            try await backend.store(secretID: "s1", values: ["password": plain, "user": "svc-etl"])
            #expect(try await backend.values(secretID: "s1") == ["password": plain, "user": "svc-etl"])
            let hex = plain.utf8.map { String(format: "%02x", $0) }.joined()
            for file in ["enclave.sqlite", "enclave.sqlite-wal"] {
                guard let bytes = FileManager.default.contents(atPath: folder + "/" + file) else { continue }
                let text = String(decoding: bytes, as: UTF8.self)
                for needle in [plain, Data(plain.utf8).base64EncodedString(), hex, "svc-etl"] { #expect(!text.contains(needle), "\(file)") }
            }
            try await backend.store(secretID: "s1", values: ["token": "t"])
            #expect(try await backend.values(secretID: "s1") == ["token": "t"])
            try await backend.delete(secretID: "s1")
            #expect(try await backend.values(secretID: "s1").isEmpty)
        }
    }

    @Test func aValueCopiedToAnotherRowOrKeyDoesNotOpen() async throws {
        try await withBackend { _, store, backend in
            try await backend.store(secretID: "a", values: ["password": "alpha"])
            try await backend.store(secretID: "b", values: ["password": "beta", "user": "bob"])
            try await store.database.write { db in
                try db.execute(sql: "UPDATE secrets_values SET sealed = (SELECT sealed FROM secrets_values WHERE secret_id = 'a') WHERE secret_id = 'b' AND key = 'password'")
            }
            await #expect(throws: SecretsError.self) { try await backend.values(secretID: "b") }
            try await store.database.write { db in
                try db.execute(sql: "UPDATE secrets_values SET sealed = (SELECT sealed FROM secrets_values WHERE secret_id = 'a') WHERE secret_id = 'a' AND key = 'password'")
                try db.execute(sql: "UPDATE secrets_values SET key = 'user2' WHERE secret_id = 'a'")
            }
            await #expect(throws: SecretsError.self) { try await backend.values(secretID: "a") }
        }
    }

    @Test func rotationRewrapsEverythingWithoutLosingConcurrentWrites() async throws {
        try await withBackend { _, store, old in
            for index in 0..<300 { try await old.store(secretID: "s\(index)", values: ["v": "old-\(index)"]) }
            let rotated = EncryptedSecretBackend(store: store, cipher: SecretCipher(keyring: (try old.cipher).keyring.addingKey()))
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
            let alone = EncryptedSecretBackend(store: store, cipher: SecretCipher(keyring: Keyring(keys: [(try rotated.cipher).keyring.primary],
                                                                                                   primaryID: (try rotated.cipher).keyring.primaryID)))
            #expect(try await alone.values(secretID: "s7") == ["v": "old-7"])
        }
    }
}
