import GRDB
@_spi(SQLiteImplementation) import Storage

extension SQLiteIdentityRepository {
    public func startDeviceFlow(_ start: DeviceFlowStart) async throws -> String {
        try await write { db -> String in
            let details = start.details
            try db.execute(sql: """
                INSERT INTO devices (id, client_id, status, user_code_hash, device_code_hash, expires_at, hostname, os, python_version,
                zenml_version, ip_address, created, updated) VALUES (?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (client_id) DO UPDATE SET status = 'pending', user_id = NULL, trusted = 0, failed_attempts = 0,
                user_code_hash = excluded.user_code_hash, device_code_hash = excluded.device_code_hash, expires_at = excluded.expires_at,
                hostname = excluded.hostname, os = excluded.os, python_version = excluded.python_version,
                zenml_version = excluded.zenml_version, ip_address = excluded.ip_address, updated = excluded.updated
                """, arguments: [start.newID, start.clientID, start.userCodeDigest, start.deviceCodeDigest, start.expiresAt,
                                 details.hostname, details.os, details.pythonVersion, details.zenmlVersion, details.ipAddress,
                                 start.created, start.created])
            guard let id = try String.fetchOne(db, sql: "SELECT id FROM devices WHERE client_id = ?", arguments: [start.clientID]) else {
                throw IdentityError.damaged("device row missing after insert")
            }
            try db.execute(sql: "DELETE FROM access_tokens WHERE device_id = ?", arguments: [id])
            return id
        }
    }

    public func device(id: String) async throws -> Device? {
        try await read { db in try Row.fetchOne(db, sql: "SELECT * FROM devices WHERE id = ?", arguments: [id.lowercased()]).map(Self.device) }
    }

    public func deviceGrant(id: String) async throws -> DeviceGrant? {
        try await read { db in try Row.fetchOne(db, sql: "SELECT * FROM devices WHERE id = ?", arguments: [id.lowercased()]).map(Self.grant) }
    }

    public func deviceGrant(clientID: String) async throws -> DeviceGrant? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM devices WHERE client_id = ?", arguments: [clientID.lowercased()]).map(Self.grant)
        }
    }

    public func recordWrongDeviceCode(id: String, lockAt: Int, at time: String) async throws {
        try await write { db in
            // One statement, so wrong codes sent at once are all counted.
            try db.execute(sql: """
                UPDATE devices SET failed_attempts = failed_attempts + 1,
                status = CASE WHEN failed_attempts + 1 >= ? THEN 'locked' ELSE status END, updated = ?
                WHERE id = ? AND status = 'pending'
                """, arguments: [lockAt, time, id.lowercased()])
        }
    }

    public func approveDevice(id: String, userID: String, trusted: Bool, at time: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "UPDATE devices SET status = 'verified', user_id = ?, trusted = ?, updated = ? WHERE id = ? AND status = 'pending'",
                           arguments: [userID, trusted, time, id.lowercased()])
            return db.changesCount == 1
        }
    }

    public func activateDevice(id: String, at time: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: """
                UPDATE devices SET status = 'active', device_code_hash = '', last_login = ?, updated = ? WHERE id = ? AND status = 'verified'
                """, arguments: [time, time, id])
            return db.changesCount == 1
        }
    }

    public func devices(ownedBy ownerID: String?) async throws -> [Device] {
        try await read { db in
            let rows = if let ownerID {
                try Row.fetchAll(db, sql: "SELECT * FROM devices WHERE user_id = ? ORDER BY updated DESC, id", arguments: [ownerID])
            } else {
                try Row.fetchAll(db, sql: "SELECT * FROM devices ORDER BY updated DESC, id")
            }
            return try rows.map(Self.device)
        }
    }

    public func deleteDevice(id: String, ownedBy ownerID: String?) async throws -> Bool {
        try await write { db in
            let ownerFilter = ownerID == nil ? "" : " AND user_id = ?"
            let arguments: StatementArguments = ownerID.map { [id.lowercased(), $0] } ?? [id.lowercased()]
            guard try String.fetchOne(db, sql: "SELECT id FROM devices WHERE id = ?\(ownerFilter)", arguments: arguments) != nil else { return false }
            try db.execute(sql: "DELETE FROM access_tokens WHERE device_id = ?", arguments: [id.lowercased()])
            try db.execute(sql: "DELETE FROM devices WHERE id = ?", arguments: [id.lowercased()])
            return true
        }
    }

    static func device(_ row: Row) throws -> Device {
        Device(id: try row.decode(forColumn: "id"), clientID: try row.decode(forColumn: "client_id"), userID: try row.decode(forColumn: "user_id"),
               status: try row.decode(forColumn: "status"), hostname: try row.decode(forColumn: "hostname"), os: try row.decode(forColumn: "os"),
               pythonVersion: try row.decode(forColumn: "python_version"), zenmlVersion: try row.decode(forColumn: "zenml_version"),
               ipAddress: try row.decode(forColumn: "ip_address"), trusted: try row.decode(forColumn: "trusted"),
               expiresAt: try row.decode(forColumn: "expires_at"), lastLogin: try row.decode(forColumn: "last_login"),
               created: try row.decode(forColumn: "created"), updated: try row.decode(forColumn: "updated"))
    }

    static func grant(_ row: Row) throws -> DeviceGrant {
        DeviceGrant(id: try row.decode(forColumn: "id"), userID: try row.decode(forColumn: "user_id"), status: try row.decode(forColumn: "status"),
                    userCodeDigest: try row.decode(forColumn: "user_code_hash"), deviceCodeDigest: try row.decode(forColumn: "device_code_hash"),
                    expiresAt: try row.decode(forColumn: "expires_at"), trusted: try row.decode(forColumn: "trusted"))
    }
}
