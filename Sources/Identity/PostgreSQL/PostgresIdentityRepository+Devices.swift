import PostgresNIO
import Storage

extension PostgresIdentityRepository {
    public func startDeviceFlow(_ start: DeviceFlowStart) async throws -> String {
        try await store.transaction { connection in
            let details = start.details
            let (newID, clientID, userCode, deviceCode, expiresAt, created) =
                (start.newID, start.clientID, start.userCodeDigest, start.deviceCodeDigest, start.expiresAt, start.created)
            let (hostname, os, python, zenml, address) = (details.hostname, details.os, details.pythonVersion, details.zenmlVersion, details.ipAddress)
            guard let row = try await store.rows("""
                INSERT INTO devices (id, client_id, status, user_code_hash, device_code_hash, expires_at, hostname, os, python_version,
                zenml_version, ip_address, created, updated)
                VALUES (\(newID), \(clientID), 'pending', \(userCode), \(deviceCode), \(expiresAt), \(hostname), \(os), \(python), \(zenml),
                \(address), \(created), \(created))
                ON CONFLICT (client_id) DO UPDATE SET status = 'pending', user_id = NULL, trusted = FALSE, failed_attempts = 0,
                user_code_hash = excluded.user_code_hash, device_code_hash = excluded.device_code_hash, expires_at = excluded.expires_at,
                hostname = excluded.hostname, os = excluded.os, python_version = excluded.python_version,
                zenml_version = excluded.zenml_version, ip_address = excluded.ip_address, updated = excluded.updated
                RETURNING id
                """, on: connection).first
            else { throw IdentityError.damaged("device row missing after insert") }
            let id = try row.decode(String.self)
            _ = try await store.rows("DELETE FROM access_tokens WHERE device_id = \(id)", on: connection)
            return id
        }
    }

    public func device(id: String) async throws -> Device? {
        let id = id.lowercased()
        return try await store.rows("SELECT * FROM devices WHERE id = \(id)").first.map(Device.init(postgres:))
    }

    public func deviceGrant(id: String) async throws -> DeviceGrant? {
        let id = id.lowercased()
        return try await store.rows("SELECT * FROM devices WHERE id = \(id)").first.map(DeviceGrant.init(postgres:))
    }

    public func deviceGrant(clientID: String) async throws -> DeviceGrant? {
        let clientID = clientID.lowercased()
        return try await store.rows("SELECT * FROM devices WHERE client_id = \(clientID)").first.map(DeviceGrant.init(postgres:))
    }

    public func recordWrongDeviceCode(id: String, lockAt: Int, at time: String) async throws {
        // One statement, so wrong codes sent at once (to any replica) are all counted.
        let (id, lockAt) = (id.lowercased(), Int64(lockAt))
        _ = try await store.rows("""
            UPDATE devices SET failed_attempts = failed_attempts + 1,
            status = CASE WHEN failed_attempts + 1 >= \(lockAt) THEN 'locked' ELSE status END, updated = \(time)
            WHERE id = \(id) AND status = 'pending'
            """)
    }

    public func approveDevice(id: String, userID: String, trusted: Bool, at time: String) async throws -> Bool {
        let id = id.lowercased()
        return try await store.rows("""
            UPDATE devices SET status = 'verified', user_id = \(userID), trusted = \(trusted), updated = \(time) WHERE id = \(id) AND status = 'pending'
            RETURNING id
            """).count == 1
    }

    public func activateDevice(id: String, at time: String) async throws -> Bool {
        try await store.rows("""
            UPDATE devices SET status = 'active', device_code_hash = '', last_login = \(time), updated = \(time) WHERE id = \(id) AND status = 'verified'
            RETURNING id
            """).count == 1
    }

    public func devices(ownedBy ownerID: String?) async throws -> [Device] {
        let rows = if let ownerID {
            try await store.rows("SELECT * FROM devices WHERE user_id = \(ownerID) ORDER BY updated DESC, id COLLATE \"C\"")
        } else {
            try await store.rows("SELECT * FROM devices ORDER BY updated DESC, id COLLATE \"C\"")
        }
        return try rows.map(Device.init(postgres:))
    }

    public func deleteDevice(id: String, ownedBy ownerID: String?) async throws -> Bool {
        let id = id.lowercased()
        return try await store.transaction { connection in
            let found = if let ownerID {
                try await store.rows("SELECT id FROM devices WHERE id = \(id) AND user_id = \(ownerID) FOR UPDATE", on: connection)
            } else {
                try await store.rows("SELECT id FROM devices WHERE id = \(id) FOR UPDATE", on: connection)
            }
            guard !found.isEmpty else { return false }
            _ = try await store.rows("DELETE FROM access_tokens WHERE device_id = \(id)", on: connection)
            _ = try await store.rows("DELETE FROM devices WHERE id = \(id)", on: connection)
            return true
        }
    }
}
