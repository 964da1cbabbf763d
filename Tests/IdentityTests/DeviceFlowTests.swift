import Foundation
@testable import Identity
import PostgresTesting
import Storage
import Testing

/// The device flow's one-time rules with many requests at once, on a real state file: a
/// device code is exchanged for one token, however many copies of the request race, and
/// wrong user codes sent together are each counted towards the lock (on SQLite and PostgreSQL).
@Suite struct DeviceFlowTests {
    func activeIdentity(_ database: IdentityDatabase) async throws -> (IdentityStore, Principal) {
        let identity = try await database.identity()
        let admin = try await identity.activate(adminName: "admin", password: "Passw0rd!", serverName: nil, setupToken: nil, fromLoopback: true)
        let person = Principal(userID: admin.id, name: admin.name, role: admin.role, isServiceAccount: false, apiKeyID: nil, tokenHash: "")
        return (identity, person)
    }

    @Test(arguments: TestEngine.tested) func aDeviceCodeBuysOneTokenWhateverTheRace(engine: TestEngine) async throws {
        try await IdentityDatabase.with(engine) { database in
            let (identity, person) = try await activeIdentity(database)
            let client = UUID().uuidString
            let codes = try await identity.authorizeDevice(clientID: client, details: DeviceDetails(hostname: "laptop"))
            _ = try await identity.verifyDevice(id: codes.deviceID, userCode: codes.userCode, trusted: false, by: person)
            let tokens = await withTaskGroup(of: String?.self) { group in
                for _ in 0..<16 {
                    group.addTask { try? await identity.login(deviceCode: codes.deviceCode, clientID: client).0.token }
                }
                return await group.reduce(into: [String]()) { if let token = $1 { $0.append(token) } }
            }
            #expect(tokens.count == 1)
            #expect(try await identity.device(id: codes.deviceID)?.status == "active")
        }
    }

    @Test(arguments: TestEngine.tested) func wrongCodesSentTogetherAllCountAndLockTheDevice(engine: TestEngine) async throws {
        try await IdentityDatabase.with(engine) { database in
            let (identity, person) = try await activeIdentity(database)
            let codes = try await identity.authorizeDevice(clientID: UUID().uuidString, details: DeviceDetails())
            await withTaskGroup(of: Void.self) { group in
                for attempt in 0..<8 {
                    group.addTask { _ = try? await identity.verifyDevice(id: codes.deviceID, userCode: "WRONG\(attempt)", trusted: false, by: person) }
                }
            }
            #expect(try await identity.device(id: codes.deviceID)?.status == "locked")
            await #expect(throws: IdentityError.self) {
                try await identity.verifyDevice(id: codes.deviceID, userCode: codes.userCode, trusted: false, by: person)
            }
        }
    }
}
