import Foundation
@testable import Identity
import Storage
import Testing

@Suite struct ActivationTests {
    func identity() throws -> IdentityStore {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("identity-\(UUID().uuidString).sqlite").path
        let store = try StateStore(path: path, migrationSets: [IdentityMigrations.set])
        return try IdentityStore(store: store, hasher: PasswordHasher(cost: 4))
    }

    @Test func remoteActivationNeedsTheSetupToken() async throws {
        let identity = try identity()
        let token = try #require(try await identity.issueSetupTokenIfInactive())
        await #expect(throws: IdentityError.self) {
            try await identity.activate(adminName: "admin", password: "Passw0rd!", serverName: nil, setupToken: nil, fromLoopback: false)
        }
        await #expect(throws: IdentityError.self) {
            try await identity.activate(adminName: "admin", password: "Passw0rd!", serverName: nil, setupToken: "guess", fromLoopback: false)
        }
        #expect(try await identity.serverState().active == false)
        let admin = try await identity.activate(adminName: "admin", password: "Passw0rd!", serverName: "site-a", setupToken: token, fromLoopback: false)
        #expect(admin.role == .admin)
        #expect(try await identity.serverState().name == "site-a")
        #expect(try await identity.issueSetupTokenIfInactive() == nil)
    }

    @Test func aNewSetupTokenReplacesTheOldOne() async throws {
        let identity = try identity()
        let first = try #require(try await identity.issueSetupTokenIfInactive())
        _ = try await identity.issueSetupTokenIfInactive()
        await #expect(throws: IdentityError.self) {
            try await identity.activate(adminName: "admin", password: "Passw0rd!", serverName: nil, setupToken: first, fromLoopback: false)
        }
    }

    @Test func passwordsAreStoredAsBcrypt() async throws {
        let identity = try identity()
        var draft = AccountDraft(name: "alice", role: .editor)
        draft.password = "correct horse"
        let account = try await identity.createAccount(draft)
        #expect(account.passwordHash?.hasPrefix("$2") == true)
        #expect(account.passwordHash?.contains("correct horse") == false)
        _ = try await identity.login(username: "alice", password: "correct horse")
        await #expect(throws: IdentityError.self) { try await identity.login(username: "alice", password: "Correct horse") }
    }

    @Test func tokensExpire() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("identity-\(UUID().uuidString).sqlite").path
        let store = try StateStore(path: path, migrationSets: [IdentityMigrations.set])
        let identity = try IdentityStore(store: store, hasher: PasswordHasher(cost: 4), sessionLifetime: -1)
        var draft = AccountDraft(name: "bob", role: .viewer)
        draft.password = "bobs-password"
        _ = try await identity.createAccount(draft)
        let issued = try await identity.login(username: "bob", password: "bobs-password")
        #expect(try await identity.principal(forBearer: issued.token) == nil)
    }
}
