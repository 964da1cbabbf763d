import Foundation
@testable import Identity
import PostgresTesting
import Storage
import Testing

/// Identity shared by several replicas on one PostgreSQL database: every request's facts are
/// in the database, so whichever replica a client reaches answers the same, and the rules
/// that read other rows (one first admin, never no admin) hold when replicas race.
@Suite(.enabled(if: TestPostgres.enabled)) struct IdentityReplicaTests {
    /// Runs `test` with three identity stores over one fresh database, as three replicas.
    func withReplicas(_ test: ([IdentityStore]) async throws -> Void) async throws {
        try await IdentityDatabase.with(.postgres) { database in
            var stores = [try await database.identity()], running: [Task<Void, Never>] = []
            for _ in 0..<2 {
                guard let (replica, task) = try await database.replica() else { return }
                stores.append(replica)
                running.append(task)
            }
            defer { running.forEach { $0.cancel() } }
            try await test(stores)
        }
    }

    static let admin = Principal(userID: "someone-else", name: "root", role: .admin, isServiceAccount: false, apiKeyID: nil, tokenHash: "")

    @Test func replicasActivatedAtOnceMakeExactlyOneFirstAdmin() async throws {
        try await withReplicas { replicas in
            let winners = await withTaskGroup(of: String?.self) { group in
                for (index, replica) in replicas.enumerated() {
                    group.addTask {
                        try? await replica.activate(adminName: "admin\(index)", password: "Passw0rd!", serverName: nil, setupToken: nil,
                                                    fromLoopback: true).name
                    }
                }
                return await group.reduce(into: [String]()) { if let name = $1 { $0.append(name) } }
            }
            #expect(winners.count == 1)
            for replica in replicas {
                let (state, accounts) = (try await replica.serverState(), try await replica.accountList(limit: 10))
                #expect(state.active && accounts.map(\.name) == winners)
            }
        }
    }

    @Test func demotionsRacingOnTwoReplicasNeverLeaveNoAdmin() async throws {
        var demotion = AccountChanges()
        demotion.role = .editor
        let change = demotion
        for round in 0..<3 {  // a fresh database each round: two admins, each demoted on another replica at once
            try await withReplicas { replicas in
                for name in ["a", "b"] { _ = try await replicas[0].createAccount(AccountDraft(name: name, role: .admin)) }
                let demoted = await withTaskGroup(of: Bool.self) { group in
                    for (name, replica) in zip(["a", "b"], replicas) {
                        group.addTask { (try? await replica.updateAccount(name, changes: change, actor: Self.admin)) != nil }
                    }
                    return await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
                }
                #expect(demoted == 1, "round \(round)")
                let left = try await replicas[2].accountList(limit: 100).filter { $0.role == .admin }
                #expect(left.count == 1, "round \(round)")
                if let last = left.first {
                    await #expect(throws: IdentityError.self) { try await replicas[1].deleteAccount(last.name, serviceAccount: false, actor: Self.admin) }
                }
            }
        }
    }

    @Test func credentialsMadeOnOneReplicaWorkOnTheOthersAndEndEverywhere() async throws {
        try await withReplicas { replicas in
            var draft = AccountDraft(name: "carol", role: .editor)
            draft.password = "carols-password"
            _ = try await replicas[0].createAccount(draft)
            let session = try await replicas[0].login(username: "carol", password: "carols-password")
            #expect(try await replicas[1].principal(forBearer: session.token)?.name == "carol")
            // A key made on one replica logs in on another; revoked on a third, it ends on all.
            var robot = AccountDraft(name: "robot", role: .editor)
            robot.isServiceAccount = true
            _ = try await replicas[0].createAccount(robot)
            let (key, secret) = try await replicas[0].createAPIKey(serviceAccount: "robot", name: "ci", description: "", actor: Self.admin)
            let keyed = try await replicas[1].login(apiKey: secret)
            #expect(try await replicas[2].principal(forBearer: keyed.token)?.name == "robot")
            _ = try await replicas[2].updateAPIKey(serviceAccount: "robot", key: key.name, name: nil, description: nil, active: false, actor: Self.admin)
            await #expect(throws: IdentityError.self) { try await replicas[0].login(apiKey: secret) }
            #expect(try await replicas[0].principal(forBearer: keyed.token) == nil)
            // A device started on one replica, approved on another, signs in on the third.
            let person = Principal(userID: (try await replicas[0].account("carol")).id, name: "carol", role: .editor, isServiceAccount: false,
                                   apiKeyID: nil, tokenHash: "")
            let codes = try await replicas[0].authorizeDevice(clientID: UUID().uuidString.lowercased(), details: DeviceDetails(hostname: "laptop"))
            _ = try await replicas[1].verifyDevice(id: codes.deviceID, userCode: codes.userCode, trusted: true, by: person)
            let device = try await replicas[2].device(id: codes.deviceID)
            #expect(device?.status == "verified" && device?.userID == person.userID)
            let clientID = try #require(device?.clientID)
            let (deviceToken, _) = try await replicas[2].login(deviceCode: codes.deviceCode, clientID: clientID)
            #expect(try await replicas[0].principal(forBearer: deviceToken.token)?.name == "carol")
            try await replicas[1].revokeDevice(id: codes.deviceID, by: person)
            #expect(try await replicas[2].principal(forBearer: deviceToken.token) == nil)
        }
    }

    @Test(arguments: TestEngine.tested) func accountListsFilterAndPageAlikeOnEitherEngine(engine: TestEngine) async throws {
        try await IdentityDatabase.with(engine) { database in
            let identity = try await database.identity()
            for (name, active) in [("zed", true), ("amy_b", true), ("amyXb", false), ("bo", true)] {
                var draft = AccountDraft(name: name, role: .viewer)
                draft.active = active
                draft.email = "\(name)@example.org"
                _ = try await identity.createAccount(draft)
            }
            var robot = AccountDraft(name: "amy-bot", role: .editor)
            robot.isServiceAccount = true
            _ = try await identity.createAccount(robot)
            func names(_ filters: [FieldFilter], descending: Bool = false, offset: Int = 0, limit: Int = 50) async throws -> [String] {
                let page = try await identity.accountPage(RecordPageRequest(filters: filters, sortField: "name", descending: descending,
                                                                            offset: offset, limit: limit), serviceAccounts: false)
                return page.accounts.map(\.name) + ["of \(page.total)"]  // the page, then how many match in all
            }
            #expect(try await names([FieldFilter("name", .startsWith, [.text("amy_")])]) == ["amy_b", "of 1"])
            #expect(try await names([FieldFilter("active", .equals, [false.storedValue])]) == ["amyXb", "of 1"])
            #expect(try await names([FieldFilter("email", .endsWith, [.text("@example.org")])], descending: true, offset: 1, limit: 2) == ["bo", "amy_b", "of 4"])
            #expect(try await names([FieldFilter("name", .oneOf, [.text("zed"), .text("amy-bot")])]) == ["zed", "of 1"])  // people only
            #expect(try await identity.accountPage(RecordPageRequest(sortField: "name", offset: 0, limit: 50), serviceAccounts: true).accounts.map(\.name) == ["amy-bot"])
        }
    }
}
