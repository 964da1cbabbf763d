import Foundation
@testable import Identity
import Storage
import Testing

/// The device flow's one-time rules with many requests at once, on a real state file: a
/// device code is exchanged for one token, however many copies of the request race, and
/// wrong user codes sent together are each counted towards the lock.
@Suite struct DeviceFlowTests {
    func activeIdentity() async throws -> (IdentityStore, Principal) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("devices-\(UUID().uuidString).sqlite").path
        let identity = try IdentityStore(store: try StateStore(path: path, migrationSets: [IdentityMigrations.set]), hasher: PasswordHasher(cost: 4))
        let admin = try await identity.activate(adminName: "admin", password: "Passw0rd!", serverName: nil, setupToken: nil, fromLoopback: true)
        let person = Principal(userID: admin.id, name: admin.name, role: admin.role, isServiceAccount: false, apiKeyID: nil, tokenHash: "")
        return (identity, person)
    }

    @Test func aDeviceCodeBuysOneTokenWhateverTheRace() async throws {
        let (identity, person) = try await activeIdentity()
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

    @Test func wrongCodesSentTogetherAllCountAndLockTheDevice() async throws {
        let (identity, person) = try await activeIdentity()
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
