import Storage

/// Where Identity keeps its records: the server's activation, accounts, API keys, access
/// tokens and devices. Each call is one transaction; the rules (who may do what, password
/// hashing, the last-admin rule's verdict) stay in `IdentityStore`, which hands in closures
/// where a rule must be decided on what the transaction read. `SQLiteIdentityRepository` is
/// the implementation over the state file, `PostgresIdentityRepository` the one replicas share.
public protocol IdentityRepository: Sendable {
    // MARK: Server

    /// Creates the server's identity row when there is none (`serverID`, inactive) and
    /// returns the decoy hash it keeps, if any. Called once, before the server listens.
    func prepareServerState(serverID: String, at time: String) async throws -> String?
    /// Keeps the decoy password hash for the next start.
    func storeDecoyHash(_ hash: String) async throws
    /// The server's id, name and activation.
    func serverState() async throws -> ServerState
    /// Keeps the digest of a new setup token while the server is inactive; false once active.
    func storeSetupTokenDigest(_ digest: String) async throws -> Bool
    /// Stores the first admin and marks the server active (renamed to `serverName` when
    /// given), after `authorize` accepted the setup-token digest kept; `IdentityError.forbidden`
    /// when the server is active already.
    func activate(admin: Account, serverName: String?, authorize: @escaping @Sendable (_ setupTokenDigest: String?) throws -> Void) async throws

    // MARK: Accounts

    /// Stores a new account (and marks the server active with `activatingServer`);
    /// `IdentityError.alreadyExists` when its name is taken.
    func insert(_ account: Account, activatingServer: Bool) async throws
    /// The account with this id or name (a person or a service account when asked), or nil.
    func account(_ idOrName: String, serviceAccount: Bool?) async throws -> Account?
    /// The account named `name` exactly (a login's name is never taken for an id), or nil.
    func account(named name: String) async throws -> Account?
    /// The accounts with these ids; ids of removed accounts are left out.
    func accounts(ids: Set<String>) async throws -> [Account]
    /// Changes the account `id` with `change`, which sees how many other active admins there
    /// are and answers whether the account's tokens end; `alreadyExists` on a taken name.
    func updateAccount(id: String, _ change: @escaping @Sendable (inout Account, _ otherActiveAdmins: Int) throws -> Bool) async throws -> Account
    /// Deletes the account, with its keys and tokens, once `check` (seeing how many other
    /// active admins there are) allowed it; `notFound` when there is none.
    func deleteAccount(_ idOrName: String, serviceAccount: Bool?, check: @escaping @Sendable (Account, _ otherActiveAdmins: Int) throws -> Void) async throws
    /// A page of people or of service accounts, filtered on `id`, `name`, `full_name`, `email`,
    /// `active`, `description`, `created`, `updated`, with the number matching in all.
    func accountPage(_ request: RecordPageRequest, serviceAccounts: Bool) async throws -> (accounts: [Account], total: Int)
    /// The ids of the accounts `nameOrID` names (its id, or its name).
    func accountIDs(nameOrID: String) async throws -> [String]
    /// People, then service accounts, by name.
    func accountList(offset: Int, limit: Int) async throws -> [Account]

    // MARK: API keys

    /// Stores the key `make` builds for the service account `idOrName`; `notFound` without
    /// one, `alreadyExists` when the account has a key of that name.
    func insertAPIKey(serviceAccount idOrName: String, _ make: @escaping @Sendable (Account) -> APIKey) async throws -> (Account, APIKey)
    /// The service account `idOrName` and its keys, oldest first.
    func apiKeys(serviceAccount idOrName: String) async throws -> (Account, [APIKey])
    /// One key of a service account, by id or name; `notFound` when either is missing.
    func apiKey(serviceAccount idOrName: String, key: String) async throws -> (Account, APIKey)
    /// Changes a key with `change`, which answers whether the key's tokens end.
    func updateAPIKey(serviceAccount idOrName: String, key: String, _ change: @escaping @Sendable (inout APIKey) -> Bool) async throws -> (Account, APIKey)
    /// Deletes a key and every token issued for it.
    func deleteAPIKey(serviceAccount idOrName: String, key: String) async throws
    /// The key with this id and the account it belongs to, or nil.
    func apiKeyWithOwner(keyID: String) async throws -> (APIKey, Account)?
    /// Notes a login with the key.
    func recordAPIKeyLogin(keyID: String, at time: String) async throws

    // MARK: Access tokens

    /// Stores a token, dropping those expired before `now`.
    func insert(_ token: AccessToken, now: String) async throws
    /// The token with this digest and its account, or nil.
    func token(digest: String) async throws -> (AccessToken, Account)?
    /// Ends the token with this digest.
    func deleteToken(digest: String) async throws
    /// Removes every workload token issued for pipeline run `pipelineRunID`.
    func deleteRunTokens(pipelineRunID: String) async throws

    // MARK: Devices

    /// Starts (or restarts) a client's device flow: pending, no owner, the tokens it had
    /// ended; returns the device's id.
    func startDeviceFlow(_ start: DeviceFlowStart) async throws -> String
    /// A device, or nil.
    func device(id: String) async throws -> Device?
    /// A device's codes and state, by id or by client id, or nil.
    func deviceGrant(id: String) async throws -> DeviceGrant?
    func deviceGrant(clientID: String) async throws -> DeviceGrant?
    /// Counts a wrong user code against a pending device, locking it at `lockAt` attempts.
    func recordWrongDeviceCode(id: String, lockAt: Int, at time: String) async throws
    /// Approves a pending device for `userID`; false when it was no longer pending.
    func approveDevice(id: String, userID: String, trusted: Bool, at time: String) async throws -> Bool
    /// Marks an approved device signed in, its device code spent; false when it was not
    /// approved (so a code is exchanged for a token once).
    func activateDevice(id: String, at time: String) async throws -> Bool
    /// The devices `ownerID` signed in with (every device when nil), newest first.
    func devices(ownedBy ownerID: String?) async throws -> [Device]
    /// Deletes a device and its tokens (only `ownerID`'s when given); false when there was none.
    func deleteDevice(id: String, ownedBy ownerID: String?) async throws -> Bool
}

/// A bearer token as stored: only its SHA-256, never the token.
public struct AccessToken: Sendable, Equatable {
    public let digest: String
    public let userID: String
    public let apiKeyID: String?
    /// `session`, `workload` or `device`.
    public let kind: String
    public let pipelineRunID: String?
    public let created: String
    public let expiresAt: String
    public let deviceID: String?

    /// A token of `userID` valid until `expiresAt`.
    public init(digest: String, userID: String, apiKeyID: String?, kind: String, pipelineRunID: String?,
                created: String, expiresAt: String, deviceID: String?) {
        self.digest = digest; self.userID = userID; self.apiKeyID = apiKeyID; self.kind = kind
        self.pipelineRunID = pipelineRunID; self.created = created; self.expiresAt = expiresAt; self.deviceID = deviceID
    }
}

/// What starting a device flow stores: the codes' digests and what the client said of itself.
public struct DeviceFlowStart: Sendable {
    public let newID: String
    public let clientID: String
    public let userCodeDigest: String
    public let deviceCodeDigest: String
    public let expiresAt: String
    public let details: DeviceDetails
    public let created: String
}

/// A device's codes and state: what approving it and exchanging its code decide on.
public struct DeviceGrant: Sendable {
    public let id: String
    public let userID: String?
    /// `pending`, `verified`, `active` or `locked`.
    public let status: String
    public let userCodeDigest: String
    public let deviceCodeDigest: String
    public let expiresAt: String
    public let trusted: Bool
}
