import Foundation
import GRDB
import PostgresTesting
import Storage
import Testing
@testable import Secrets

/// The store's rules on real SQLite files and on PostgreSQL: scopes, roles, taken names
/// under racing writers (and racing replicas), and an audit record for every value read and change.
@Suite struct SecretStoreTests {
    let owner = SecretCaller(userID: "u-owner", name: "olive", mayWrite: true, address: "10.0.0.5")
    let other = SecretCaller(userID: "u-other", name: "oscar", mayWrite: true, address: "10.0.0.6")
    let reader = SecretCaller(userID: "u-reader", name: "vera", mayWrite: false, address: nil)

    func withStore(_ engine: TestEngine, _ test: (SecretsDatabase, SecretStore) async throws -> Void) async throws {
        try await SecretsDatabase.with(engine) { database in try await test(database, database.secretStore()) }
    }

    @Test(arguments: TestEngine.tested) func privateSecretsBelongToTheirOwnerAndReadersGetNoValues(engine: TestEngine) async throws {
        try await withStore(engine) { _, secrets in
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

    @Test(arguments: TestEngine.tested) func aListingPagesByNameThroughWhatTheCallerMaySee(engine: TestEngine) async throws {
        try await withStore(engine) { _, secrets in
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

    @Test(arguments: TestEngine.tested) func listFiltersMeanTheSameOnEitherEngine(engine: TestEngine) async throws {
        try await withStore(engine) { _, secrets in
            for name in ["db_main", "dbXmain", "100%", "cache"] { _ = try await secrets.create(name: name, isPrivate: false, values: [:], by: owner) }
            _ = try await secrets.create(name: "db_own", isPrivate: true, values: [:], by: owner)
            func names(_ filters: [FieldFilter], matchAny: Bool = false, descending: Bool = false) async throws -> [String] {
                try await secrets.list(by: owner, RecordPageRequest(filters: filters, matchAny: matchAny, sortField: "name", descending: descending,
                                                                   offset: 0, limit: 50)).records.map(\.name)
            }
            #expect(try await names([FieldFilter("name", .startsWith, [.text("db_")])]) == ["db_main", "db_own"])  // `_` is no wildcard
            #expect(try await names([FieldFilter("name", .contains, [.text("%")])]) == ["100%"])
            #expect(try await names([FieldFilter("private", .equals, [true.storedValue])]) == ["db_own"])
            #expect(try await names([FieldFilter("private", .equals, [false.storedValue])], descending: true) == ["db_main", "dbXmain", "cache", "100%"])
            #expect(try await names([FieldFilter("name", .oneOf, [.text("cache"), .text("100%")]), FieldFilter("private", .equals, [true.storedValue])],
                                    matchAny: true) == ["100%", "cache", "db_own"])
            #expect(try await names([FieldFilter("name", .oneOf, [])]).isEmpty)
            #expect(try await names([FieldFilter("name", .notOneOf, [])]).count == 5)
            #expect(try await names([FieldFilter("created", .greater, [.text("2000-01-01")]), FieldFilter("user_id", .isNotNull)]).count == 5)
            #expect(try await names([FieldFilter("private", .equals, [.text("not a boolean")])]).isEmpty)
            await #expect(throws: UnknownRecordField.self) { try await names([FieldFilter("value", .equals, [.text("x")])]) }
        }
    }

    @Test(arguments: TestEngine.tested) func aTakenNameIsRefusedByTheConstraintEvenUnderRacingWriters(engine: TestEngine) async throws {
        try await withStore(engine) { database, secrets in
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
            #expect(try await database.integer("SELECT COUNT(*) FROM secrets_values WHERE secret_id NOT IN (SELECT id FROM secrets)") == 0)
        }
    }

    @Test(arguments: TestEngine.tested) func updatesMergeRemoveAndRenameWithinTheScopeRules(engine: TestEngine) async throws {
        try await withStore(engine) { _, secrets in
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

    @Test(arguments: TestEngine.tested) func everyValueReadAndChangeIsAuditedWithoutTheValue(engine: TestEngine) async throws {
        try await withStore(engine) { _, secrets in
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

    @Test(.enabled(if: TestPostgres.enabled)) func replicasRacingForOneNameLeaveOneSecret() async throws {
        try await SecretsDatabase.with(.postgres) { database in
            var stores = [database.secretStore()], running: [Task<Void, Never>] = []
            for _ in 0..<2 {
                guard let replica = database.replica() else { return }
                running.append(replica.running)
                stores.append(SecretStore(records: replica.records, backend: database.backend(SecretCipher(keyring: .generate())), audit: replica.audit))
            }
            defer { running.forEach { $0.cancel() } }
            let owner = SecretCaller(userID: "u-owner", name: "olive", mayWrite: true, address: "10.0.0.5")
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for (index, store) in stores.enumerated() {
                    group.addTask { (try? await store.create(name: "shared", isPrivate: false, values: ["i": "\(index)"], by: owner)) != nil }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await database.integer("SELECT COUNT(*) FROM secrets") == 1)
            let audited = try await database.integer("SELECT COUNT(*) FROM secrets_audit")
            #expect(try await database.audit.verify() == .intact(records: audited))
        }
    }

    @Test(arguments: TestEngine.tested) func aKeyringThatDoesNotOpenTheDatabaseIsRefused(engine: TestEngine) async throws {
        try await SecretsDatabase.with(engine) { database in
            let path = database.folder + "/keyring.json"
            #expect(try await database.values.samplePerKey().isEmpty)
            _ = try KeyringGate.open(path: path, samples: [], mayCreate: true)  // nothing sealed yet: a new ring is made
            let ring = try KeyringFile(path: path)
            try await database.backend(try ring.currentCipher()).store(secretID: "s1", values: ["k": "v", "j": "w"])
            let samples = try await database.values.samplePerKey()
            let primary = try ring.currentCipher().keyring.primaryID
            #expect(samples.count == 1 && samples.first?.keyID == primary)
            _ = try KeyringGate.open(path: path, samples: samples, mayCreate: false)
            let stranger = database.folder + "/stranger.json"
            try Keyring.generate().save(path: stranger)
            #expect(throws: SecretsError.self) { try KeyringGate.open(path: stranger, samples: samples, mayCreate: false) }
            #expect(throws: SecretsError.self) { try KeyringGate.open(path: database.folder + "/gone.json", samples: samples, mayCreate: true) }
        }
    }
}

