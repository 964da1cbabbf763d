import Foundation
import GRDB
import Storage
import Testing
@testable import Secrets

/// The store's rules on real SQLite files: scopes, roles, taken names under racing
/// writers, and an audit record for every value read and change.
@Suite struct SecretStoreTests {
    let owner = SecretCaller(userID: "u-owner", name: "olive", mayWrite: true, address: "10.0.0.5")
    let other = SecretCaller(userID: "u-other", name: "oscar", mayWrite: true, address: "10.0.0.6")
    let reader = SecretCaller(userID: "u-reader", name: "vera", mayWrite: false, address: nil)

    func withStore(_ test: (String, SecretStore) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("secret-store-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try StateStore(path: folder + "/enclave.sqlite", migrationSets: [SecretsMigrations.set])
        let secrets = SecretStore(records: SQLiteSecretRepository(store: store),
                                  backend: EncryptedSecretBackend(store: store, cipher: SecretCipher(keyring: .generate())),
                                  audit: SQLiteAuditTrail(store: store))
        try await test(folder, secrets)
    }

    @Test func privateSecretsBelongToTheirOwnerAndReadersGetNoValues() async throws {
        try await withStore { _, secrets in
            let mine = try await secrets.create(name: "db", isPrivate: true, values: ["pw": "p1"], by: owner)
            let shared = try await secrets.create(name: "db", isPrivate: false, values: ["pw": "p2"], by: owner)
            await #expect(throws: SecretsError.self) { try await secrets.read(id: mine.id, by: other) }
            await #expect(throws: SecretsError.self) { try await secrets.delete(id: mine.id, by: other) }
            #expect(try await secrets.read(id: mine.id, by: owner).1 == ["pw": "p1"])
            let (record, values) = try await secrets.read(id: shared.id, by: reader)
            #expect(record.name == "db" && values == nil)
            await #expect(throws: SecretsError.forbidden("Your role does not allow changing secrets.")) {
                try await secrets.update(id: shared.id, SecretChange(values: ["pw": "x"]), by: reader)
            }
            await #expect(throws: SecretsError.self) { try await secrets.create(name: "n", isPrivate: true, values: [:], by: reader) }
            #expect(try await secrets.read(id: shared.id, by: other).1 == ["pw": "p2"])
        }
    }

    @Test func aListingPagesByNameThroughWhatTheCallerMaySee() async throws {
        try await withStore { _, secrets in
            for name in ["e", "c", "a"] { _ = try await secrets.create(name: name, isPrivate: false, values: ["k": "v"], by: owner) }
            _ = try await secrets.create(name: "b", isPrivate: true, values: ["k": "v"], by: owner)
            _ = try await secrets.create(name: "d", isPrivate: true, values: ["k": "v"], by: other)
            func names(_ caller: SecretCaller, _ offset: Int, _ limit: Int) async throws -> [String] {
                try await secrets.list(by: caller, offset: offset, limit: limit).map(\.name)
            }
            #expect(try await names(owner, 0, 10) == ["a", "b", "c", "e"])
            #expect(try await names(other, 0, 10) == ["a", "c", "d", "e"])
            #expect(try await names(reader, 0, 2) == ["a", "c"])
            #expect(try await names(reader, 2, 2) == ["e"])
            #expect(try await names(reader, -3, -1).isEmpty)
        }
    }

    @Test func aTakenNameIsRefusedByTheConstraintEvenUnderRacingWriters() async throws {
        try await withStore { folder, secrets in
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        (try? await secrets.create(name: "race", isPrivate: false, values: ["i": "\(index)"], by: owner)) != nil
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            // Each private scope is its owner's: two owners may both have a private "race".
            _ = try await secrets.create(name: "race", isPrivate: true, values: [:], by: owner)
            _ = try await secrets.create(name: "race", isPrivate: true, values: [:], by: other)
            await #expect(throws: SecretsError.self) { try await secrets.create(name: "race", isPrivate: true, values: [:], by: other) }
            // Losers left no values behind.
            let queue = try DatabaseQueue(path: folder + "/enclave.sqlite")
            let orphans = try await queue.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM secrets_values WHERE secret_id NOT IN (SELECT id FROM secrets)")
            }
            #expect(orphans == 0)
        }
    }

    @Test func updatesMergeRemoveAndRenameWithinTheScopeRules() async throws {
        try await withStore { _, secrets in
            let first = try await secrets.create(name: "a", isPrivate: false, values: ["k1": "v1", "k2": "v2"], by: owner)
            _ = try await secrets.create(name: "b", isPrivate: false, values: [:], by: owner)
            let (_, merged) = try await secrets.update(id: first.id, SecretChange(values: ["k2": nil, "k3": "v3"]), by: other)
            #expect(merged == ["k1": "v1", "k3": "v3"])
            await #expect(throws: SecretsError.self) { try await secrets.update(id: first.id, SecretChange(name: "b"), by: owner) }
            #expect(try await secrets.read(id: first.id, by: owner).1 == ["k1": "v1", "k3": "v3"])  // the refused rename moved nothing
            let (renamed, _) = try await secrets.update(id: first.id, SecretChange(name: "c", isPrivate: true), by: owner)
            #expect(renamed.name == "c" && renamed.isPrivate)
            await #expect(throws: SecretsError.self) { try await secrets.create(name: String(repeating: "x", count: 256), isPrivate: false, values: [:], by: owner) }
            await #expect(throws: SecretsError.self) { try await secrets.create(name: "ok", isPrivate: false, values: ["bad\u{0}key": "v"], by: owner) }
        }
    }

    @Test func everyValueReadAndChangeIsAuditedWithoutTheValue() async throws {
        try await withStore { _, secrets in
            let secret = try await secrets.create(name: "audited", isPrivate: true, values: ["pw": "never-in-the-trail"], by: owner)
            _ = try await secrets.read(id: secret.id, by: owner)
            _ = try? await secrets.read(id: secret.id, by: other)
            _ = try await secrets.update(id: secret.id, SecretChange(name: "renamed"), by: owner)
            try await secrets.delete(id: secret.id, by: owner)
            let records = try await secrets.audit.records(after: 0, limit: 100)
            #expect(records.map { "\($0.entry.action):\($0.entry.outcome)" } == ["create:ok", "read:ok", "read:denied", "rename:ok", "delete:ok"])
            #expect(records.allSatisfy { $0.entry.secretID == secret.id })
            #expect(records[0].entry.actor == "olive (u-owner)" && records[0].entry.address == "10.0.0.5")
            #expect(!records.map { "\($0)" }.joined().contains("never-in-the-trail"))
            #expect(try await secrets.audit.verify() == .intact(records: 5))
        }
    }
}

/// The keyring gate and the reloading keyring file.
@Suite struct KeyringGateTests {
    @Test func aKeyringAddedToOnDiskIsPickedUpAndAShrunkOneIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ring-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/keyring.json"
        let file = try KeyringGate.open(path: path, databasePath: folder + "/none.sqlite", mayCreate: true)
        let first = try file.currentCipher().keyring
        let rotated = first.addingKey()
        try rotated.save(path: path)
        #expect(try file.currentCipher().keyring.primaryID == rotated.primaryID)
        try Keyring(keys: [rotated.primary], primaryID: rotated.primaryID).save(path: path)
        #expect(throws: SecretsError.self) { try file.currentCipher() }
        #expect(throws: SecretsError.self) { try KeyringGate.open(path: folder + "/absent.json", databasePath: folder + "/none.sqlite", mayCreate: false) }
    }

    @Test func theLocationIsConfiguredThenACredentialThenTheDataFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("creds-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(KeyringGate.location(configured: "/etc/k.json", environment: ["CREDENTIALS_DIRECTORY": folder], dataDirectory: "/d") == ("/etc/k.json", false))
        #expect(KeyringGate.location(configured: nil, environment: ["CREDENTIALS_DIRECTORY": folder], dataDirectory: "/d") == ("/d/keyring.json", false))
        FileManager.default.createFile(atPath: folder + "/enclave-keyring", contents: Data())
        #expect(KeyringGate.location(configured: nil, environment: ["CREDENTIALS_DIRECTORY": folder], dataDirectory: "/d") == (folder + "/enclave-keyring", true))
    }
}
