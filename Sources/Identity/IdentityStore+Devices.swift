import Foundation
import GRDB
@_spi(SQLiteImplementation) import Storage

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
        @Sendable func clipped(_ text: String?) -> String? { text.map { String($0.prefix(200)) } }
        let id = try await write { db -> String in
            try db.execute(sql: """
                INSERT INTO devices (id, client_id, status, user_code_hash, device_code_hash, expires_at, hostname, os, python_version,
                zenml_version, ip_address, created, updated) VALUES (?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (client_id) DO UPDATE SET status = 'pending', user_id = NULL, trusted = 0, failed_attempts = 0,
                user_code_hash = excluded.user_code_hash, device_code_hash = excluded.device_code_hash, expires_at = excluded.expires_at,
                hostname = excluded.hostname, os = excluded.os, python_version = excluded.python_version,
                zenml_version = excluded.zenml_version, ip_address = excluded.ip_address, updated = excluded.updated
                """, arguments: [UUID().uuidString.lowercased(), client, CredentialDigest.digest(userCode), CredentialDigest.digest(deviceCode),
                                 expires, clipped(details.hostname), clipped(details.os), clipped(details.pythonVersion),
                                 clipped(details.zenmlVersion), clipped(details.ipAddress), stamp, stamp])
            guard let id = try String.fetchOne(db, sql: "SELECT id FROM devices WHERE client_id = ?", arguments: [client]) else {
                throw IdentityError.damaged("device row missing after insert")
            }
            try db.execute(sql: "DELETE FROM access_tokens WHERE device_id = ?", arguments: [id])
            return id
        }
        return DeviceAuthorization(deviceID: id, deviceCode: deviceCode, userCode: userCode,
                                   expiresIn: Self.deviceCodeLifetime, interval: Self.devicePollInterval)
    }

    /// One device, or nil.
    public func device(id: String) async throws -> Device? {
        try await store.database.read { db in try Self.device(row: try Row.fetchOne(db, sql: "SELECT * FROM devices WHERE id = ?", arguments: [id.lowercased()])) }
    }

    /// A person approves a pending device by the code it showed; too many wrong codes lock it.
    public func verifyDevice(id: String, userCode: String, trusted: Bool, by principal: Principal) async throws -> Device {
        guard !principal.isServiceAccount else { throw IdentityError.forbidden("Only a person can approve a device.") }
        let now = Timestamp.now()
        let outcome: Result<Void, IdentityError> = try await write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT status, user_code_hash, expires_at, failed_attempts FROM devices WHERE id = ?",
                                             arguments: [id.lowercased()]) else {
                return .failure(.notFound("No device with this ID."))
            }
            let status: String = try row.decode(forColumn: "status"), expires: String = try row.decode(forColumn: "expires_at")
            guard status == "pending", expires > now else {
                return .failure(.invalid("This device is not waiting for approval (its code expired or was used); run `zenml login` again."))
            }
            guard CredentialDigest.matches(CredentialDigest.digest(userCode.uppercased()), try row.decode(forColumn: "user_code_hash")) else {
                let attempts: Int = try row.decode(forColumn: "failed_attempts") + 1
                try db.execute(sql: "UPDATE devices SET failed_attempts = ?, status = ?, updated = ? WHERE id = ?",
                               arguments: [attempts, attempts >= Self.deviceAttempts ? "locked" : "pending", now, id.lowercased()])
                return .failure(.invalid("The code does not match the one the device shows."))
            }
            try db.execute(sql: "UPDATE devices SET status = 'verified', user_id = ?, trusted = ?, updated = ? WHERE id = ?",
                           arguments: [principal.userID, trusted, now, id.lowercased()])
            return .success(())
        }
        try outcome.get()
        guard let device = try await device(id: id) else { throw IdentityError.notFound("No device with this ID.") }
        return device
    }

    /// OAuth's device-code grant: a token once the device was approved, exactly once.
    public func login(deviceCode: String, clientID: String) async throws -> (IssuedToken, Device) {
        let now = Timestamp.now()
        let (deviceID, userID, trusted) = try await write { db -> (String, String, Bool) in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM devices WHERE client_id = ?", arguments: [clientID.lowercased()]),
                  CredentialDigest.matches(CredentialDigest.digest(deviceCode), try row.decode(forColumn: "device_code_hash")) else {
                throw DeviceLoginError.invalidGrant
            }
            let status: String = try row.decode(forColumn: "status")
            switch status {
            case "pending":
                throw (try row.decode(String.self, forColumn: "expires_at")) > now ? DeviceLoginError.authorizationPending : DeviceLoginError.expiredToken
            case "verified":
                guard let userID = try row.decode(String?.self, forColumn: "user_id") else { throw DeviceLoginError.accessDenied }
                let id: String = try row.decode(forColumn: "id")
                try db.execute(sql: "UPDATE devices SET status = 'active', device_code_hash = '', last_login = ?, updated = ? WHERE id = ?",
                               arguments: [now, now, id])
                return (id, userID, try row.decode(forColumn: "trusted"))
            case "locked": throw DeviceLoginError.accessDenied
            default: throw DeviceLoginError.invalidGrant
            }
        }
        // A trusted device stays signed in for 30 days, another for one session.
        let token = try await issueToken(userID: userID, apiKeyID: nil, kind: "device", pipelineRunID: nil,
                                         lifetime: trusted ? 30 * 86400 : sessionLifetime, deviceID: deviceID)
        guard let device = try await device(id: deviceID) else { throw IdentityError.damaged("device vanished during login") }
        return (token, device)
    }

    /// The devices a person signed in with (all devices for an admin), newest first.
    public func devices(visibleTo principal: Principal) async throws -> [Device] {
        try await store.database.read { db in
            let rows = principal.isAdmin
                ? try Row.fetchAll(db, sql: "SELECT * FROM devices ORDER BY updated DESC, id")
                : try Row.fetchAll(db, sql: "SELECT * FROM devices WHERE user_id = ? ORDER BY updated DESC, id", arguments: [principal.userID])
            return try rows.compactMap { try Self.device(row: $0) }
        }
    }

    /// Removes a device and with it every token it holds (its owner or an admin).
    public func revokeDevice(id: String, by principal: Principal) async throws {
        try await write { db in
            let owner = try Row.fetchOne(db, sql: "SELECT user_id FROM devices WHERE id = ?", arguments: [id.lowercased()])
            let ownerID = try owner?.decode(String?.self, forColumn: "user_id")
            guard owner != nil, principal.isAdmin || ownerID == principal.userID else {
                throw IdentityError.notFound("No device with this ID.")
            }
            try db.execute(sql: "DELETE FROM access_tokens WHERE device_id = ?", arguments: [id.lowercased()])
            try db.execute(sql: "DELETE FROM devices WHERE id = ?", arguments: [id.lowercased()])
        }
    }

    static func device(row: Row?) throws -> Device? {
        guard let row else { return nil }
        return Device(id: try row.decode(forColumn: "id"), clientID: try row.decode(forColumn: "client_id"), userID: try row.decode(forColumn: "user_id"),
                      status: try row.decode(forColumn: "status"), hostname: try row.decode(forColumn: "hostname"), os: try row.decode(forColumn: "os"),
                      pythonVersion: try row.decode(forColumn: "python_version"), zenmlVersion: try row.decode(forColumn: "zenml_version"),
                      ipAddress: try row.decode(forColumn: "ip_address"), trusted: try row.decode(forColumn: "trusted"),
                      expiresAt: try row.decode(forColumn: "expires_at"), lastLogin: try row.decode(forColumn: "last_login"),
                      created: try row.decode(forColumn: "created"), updated: try row.decode(forColumn: "updated"))
    }
}
