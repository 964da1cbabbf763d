import PostgresNIO
import Storage

extension Account {
    /// The account a `users` row holds; a role the binary does not know is damage, not a crash.
    init(postgres row: PostgresRow) throws {
        let columns = row.makeRandomAccess()
        let role = try columns["role"].decode(String.self)
        guard let known = Role(rawValue: role) else { throw IdentityError.damaged("An account has the unknown role '\(role)'.") }
        self.init(id: try columns["id"].decode(String.self), name: try columns["name"].decode(String.self),
                  fullName: try columns["full_name"].decode(String.self), email: try columns["email"].decode(String?.self),
                  passwordHash: try columns["password_hash"].decode(String?.self), role: known,
                  isServiceAccount: try columns["is_service_account"].decode(Bool.self), active: try columns["active"].decode(Bool.self),
                  description: try columns["description"].decode(String?.self), avatarUrl: try columns["avatar_url"].decode(String?.self),
                  defaultProjectId: try columns["default_project_id"].decode(String?.self),
                  emailOptedIn: try columns["email_opted_in"].decode(Bool?.self), userMetadata: try columns["user_metadata"].decode(String.self),
                  passwordChangedAt: try columns["password_changed_at"].decode(String?.self),
                  created: try columns["created"].decode(String.self), updated: try columns["updated"].decode(String.self))
    }

    /// The `INSERT` of this account.
    var postgresInsert: PostgresQuery {
        let (id, name, fullName, email, passwordHash, role, isServiceAccount, active) =
            (id, name, fullName, email, passwordHash, role.rawValue, isServiceAccount, active)
        let (description, avatarUrl, defaultProjectId, emailOptedIn, userMetadata, passwordChangedAt, created, updated) =
            (description, avatarUrl, defaultProjectId, emailOptedIn, userMetadata, passwordChangedAt, created, updated)
        return """
            INSERT INTO users (id, name, full_name, email, password_hash, role, is_service_account, active, description, avatar_url,
            default_project_id, email_opted_in, user_metadata, password_changed_at, created, updated)
            VALUES (\(id), \(name), \(fullName), \(email), \(passwordHash), \(role), \(isServiceAccount), \(active), \(description),
            \(avatarUrl), \(defaultProjectId), \(emailOptedIn), \(userMetadata), \(passwordChangedAt), \(created), \(updated))
            """
    }

    /// The `UPDATE` writing every field of this account back.
    var postgresUpdate: PostgresQuery {
        let (id, name, fullName, email, passwordHash, role, isServiceAccount, active) =
            (id, name, fullName, email, passwordHash, role.rawValue, isServiceAccount, active)
        let (description, avatarUrl, defaultProjectId, emailOptedIn, userMetadata, passwordChangedAt, updated) =
            (description, avatarUrl, defaultProjectId, emailOptedIn, userMetadata, passwordChangedAt, updated)
        return """
            UPDATE users SET name = \(name), full_name = \(fullName), email = \(email), password_hash = \(passwordHash), role = \(role),
            is_service_account = \(isServiceAccount), active = \(active), description = \(description), avatar_url = \(avatarUrl),
            default_project_id = \(defaultProjectId), email_opted_in = \(emailOptedIn), user_metadata = \(userMetadata),
            password_changed_at = \(passwordChangedAt), updated = \(updated) WHERE id = \(id)
            """
    }
}

extension APIKey {
    /// The key an `api_keys` row holds.
    init(postgres row: PostgresRow) throws {
        let columns = row.makeRandomAccess()
        self.init(id: try columns["id"].decode(String.self), serviceAccountId: try columns["service_account_id"].decode(String.self),
                  name: try columns["name"].decode(String.self), description: try columns["description"].decode(String.self),
                  keyHash: try columns["key_hash"].decode(String.self), active: try columns["active"].decode(Bool.self),
                  lastLogin: try columns["last_login"].decode(String?.self), lastRotated: try columns["last_rotated"].decode(String?.self),
                  created: try columns["created"].decode(String.self), updated: try columns["updated"].decode(String.self))
    }
}

extension Device {
    /// The device a `devices` row holds.
    init(postgres row: PostgresRow) throws {
        let columns = row.makeRandomAccess()
        self.init(id: try columns["id"].decode(String.self), clientID: try columns["client_id"].decode(String.self),
                  userID: try columns["user_id"].decode(String?.self), status: try columns["status"].decode(String.self),
                  hostname: try columns["hostname"].decode(String?.self), os: try columns["os"].decode(String?.self),
                  pythonVersion: try columns["python_version"].decode(String?.self), zenmlVersion: try columns["zenml_version"].decode(String?.self),
                  ipAddress: try columns["ip_address"].decode(String?.self), trusted: try columns["trusted"].decode(Bool.self),
                  expiresAt: try columns["expires_at"].decode(String.self), lastLogin: try columns["last_login"].decode(String?.self),
                  created: try columns["created"].decode(String.self), updated: try columns["updated"].decode(String.self))
    }
}

extension DeviceGrant {
    /// The codes and state a `devices` row holds.
    init(postgres row: PostgresRow) throws {
        let columns = row.makeRandomAccess()
        self.init(id: try columns["id"].decode(String.self), userID: try columns["user_id"].decode(String?.self),
                  status: try columns["status"].decode(String.self), userCodeDigest: try columns["user_code_hash"].decode(String.self),
                  deviceCodeDigest: try columns["device_code_hash"].decode(String.self), expiresAt: try columns["expires_at"].decode(String.self),
                  trusted: try columns["trusted"].decode(Bool.self))
    }
}

extension AccessToken {
    /// The token an `access_tokens` row holds.
    init(postgres row: PostgresRow) throws {
        let columns = row.makeRandomAccess()
        self.init(digest: try columns["token_hash"].decode(String.self), userID: try columns["user_id"].decode(String.self),
                  apiKeyID: try columns["api_key_id"].decode(String?.self), kind: try columns["kind"].decode(String.self),
                  pipelineRunID: try columns["pipeline_run_id"].decode(String?.self), created: try columns["created"].decode(String.self),
                  expiresAt: try columns["expires_at"].decode(String.self), deviceID: try columns["device_id"].decode(String?.self))
    }
}
