import Foundation
import Storage

extension IdentityStore {
    /// How long a device's codes are good for, and how often its client may ask.
    public static var deviceCodeLifetime: Int { 300 }
    public static var devicePollInterval: Int { 2 }
    /// Wrong user codes a device may be sent before it is locked.
    static var deviceAttempts: Int { 5 }

    /// Starts (or restarts) the device flow for a client: fresh codes, pending, no owner;
    /// tokens the device had before end.
    public func authorizeDevice(clientID: String, details: DeviceDetails) async throws -> DeviceAuthorization {
        let client = clientID.lowercased()
        guard UUID(uuidString: client) != nil else { throw IdentityError.invalid("client_id must be a UUID.") }
        let deviceCode = CredentialDigest.randomHex(bytes: 32), userCode = CredentialDigest.randomHex(bytes: 4).uppercased()
        let now = Date()
        let expires = Timestamp.format(now.addingTimeInterval(TimeInterval(Self.deviceCodeLifetime))), stamp = Timestamp.format(now)
        func clipped(_ text: String?) -> String? { text.map { String($0.prefix(200)) } }
        let clippedDetails = DeviceDetails(hostname: clipped(details.hostname), os: clipped(details.os), pythonVersion: clipped(details.pythonVersion),
                                           zenmlVersion: clipped(details.zenmlVersion), ipAddress: clipped(details.ipAddress))
        let start = DeviceFlowStart(newID: UUID().uuidString.lowercased(), clientID: client, userCodeDigest: CredentialDigest.digest(userCode),
                                    deviceCodeDigest: CredentialDigest.digest(deviceCode), expiresAt: expires, details: clippedDetails, created: stamp)
        let id = try await changing { try await repository.startDeviceFlow(start) }
        return DeviceAuthorization(deviceID: id, deviceCode: deviceCode, userCode: userCode,
                                   expiresIn: Self.deviceCodeLifetime, interval: Self.devicePollInterval)
    }

    /// One device, or nil.
    public func device(id: String) async throws -> Device? {
        try await repository.device(id: id)
    }

    /// A person approves a pending device by the code it showed; too many wrong codes lock it.
    public func verifyDevice(id: String, userCode: String, trusted: Bool, by principal: Principal) async throws -> Device {
        guard !principal.isServiceAccount else { throw IdentityError.forbidden("Only a person can approve a device.") }
        let now = Timestamp.now()
        guard let grant = try await repository.deviceGrant(id: id) else { throw IdentityError.notFound("No device with this ID.") }
        let notWaiting = IdentityError.invalid("This device is not waiting for approval (its code expired or was used); run `zenml login` again.")
        guard grant.status == "pending", grant.expiresAt > now else { throw notWaiting }
        guard CredentialDigest.matches(CredentialDigest.digest(userCode.uppercased()), grant.userCodeDigest) else {
            try await changing { try await repository.recordWrongDeviceCode(id: grant.id, lockAt: Self.deviceAttempts, at: now) }
            throw IdentityError.invalid("The code does not match the one the device shows.")
        }
        guard try await changing({ try await repository.approveDevice(id: grant.id, userID: principal.userID, trusted: trusted, at: now) }) else {
            throw notWaiting
        }
        guard let device = try await device(id: id) else { throw IdentityError.notFound("No device with this ID.") }
        return device
    }

    /// OAuth's device-code grant: a token once the device was approved, exactly once.
    public func login(deviceCode: String, clientID: String) async throws -> (IssuedToken, Device) {
        let now = Timestamp.now()
        guard let grant = try await repository.deviceGrant(clientID: clientID),
              CredentialDigest.matches(CredentialDigest.digest(deviceCode), grant.deviceCodeDigest) else {
            throw DeviceLoginError.invalidGrant
        }
        switch grant.status {
        case "pending": throw grant.expiresAt > now ? DeviceLoginError.authorizationPending : DeviceLoginError.expiredToken
        case "verified": break
        case "locked": throw DeviceLoginError.accessDenied
        default: throw DeviceLoginError.invalidGrant
        }
        guard let userID = grant.userID else { throw DeviceLoginError.accessDenied }
        // The code is spent by the one request that moves the device on: a code sent twice at
        // once gets one token.
        guard try await changing({ try await repository.activateDevice(id: grant.id, at: now) }) else { throw DeviceLoginError.invalidGrant }
        let (deviceID, trusted) = (grant.id, grant.trusted)
        // A trusted device stays signed in for 30 days, another for one session.
        let token = try await issueToken(userID: userID, apiKeyID: nil, kind: "device", pipelineRunID: nil,
                                         lifetime: trusted ? 30 * 86400 : sessionLifetime, deviceID: deviceID)
        guard let device = try await device(id: deviceID) else { throw IdentityError.damaged("device vanished during login") }
        return (token, device)
    }

    /// The devices a person signed in with (all devices for an admin), newest first.
    public func devices(visibleTo principal: Principal) async throws -> [Device] {
        try await repository.devices(ownedBy: principal.isAdmin ? nil : principal.userID)
    }

    /// Removes a device and with it every token it holds (its owner or an admin).
    public func revokeDevice(id: String, by principal: Principal) async throws {
        let removed = try await changing { try await repository.deleteDevice(id: id, ownedBy: principal.isAdmin ? nil : principal.userID) }
        guard removed else { throw IdentityError.notFound("No device with this ID.") }
    }
}
