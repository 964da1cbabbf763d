import Foundation
@testable import Identity
import PostgresTesting
import Storage
import Testing

/// Activation, passwords and token lifetimes, on a real state file and on PostgreSQL.
@Suite struct ActivationTests {

    @Test(arguments: TestEngine.tested) func remoteActivationNeedsTheSetupToken(engine: TestEngine) async throws {
        try await IdentityDatabase.with(engine) { database in
            let identity = try await database.identity()
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
    }

    @Test(arguments: TestEngine.tested) func aNewSetupTokenReplacesTheOldOne(engine: TestEngine) async throws {
        try await IdentityDatabase.with(engine) { database in
            let identity = try await database.identity()
            let first = try #require(try await identity.issueSetupTokenIfInactive())
            _ = try await identity.issueSetupTokenIfInactive()
            await #expect(throws: IdentityError.self) {
                try await identity.activate(adminName: "admin", password: "Passw0rd!", serverName: nil, setupToken: first, fromLoopback: false)
            }
        }
    }

    @Test(arguments: TestEngine.tested) func passwordsAreStoredAsBcrypt(engine: TestEngine) async throws {
        try await IdentityDatabase.with(engine) { database in
            let identity = try await database.identity()
            var draft = AccountDraft(name: "alice", role: .editor)
            draft.password = "correct horse"
            let account = try await identity.createAccount(draft)
            #expect(account.passwordHash?.hasPrefix("$2") == true)
            #expect(account.passwordHash?.contains("correct horse") == false)
            _ = try await identity.login(username: "alice", password: "correct horse")
            await #expect(throws: IdentityError.self) { try await identity.login(username: "alice", password: "Correct horse") }
        }
    }

    @Test(arguments: TestEngine.tested) func tokensExpire(engine: TestEngine) async throws {
        try await IdentityDatabase.with(engine) { database in
            let identity = try await database.identity(sessionLifetime: -1)
            var draft = AccountDraft(name: "bob", role: .viewer)
            draft.password = "bobs-password"
            _ = try await identity.createAccount(draft)
            let issued = try await identity.login(username: "bob", password: "bobs-password")
            #expect(try await identity.principal(forBearer: issued.token) == nil)
        }
    }
}
