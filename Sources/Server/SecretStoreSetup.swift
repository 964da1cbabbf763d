import Foundation
import Logging
import Secrets
import Storage

extension ServerConfiguration {
    /// Where this configuration's keyring is, and whether it is a (read-only) systemd credential.
    public func keyringLocation(environment: [String: String] = ProcessInfo.processInfo.environment) -> (path: String, isCredential: Bool) {
        KeyringGate.location(configured: secretsKeyringPath, environment: environment, dataDirectory: dataDirectory)
    }
}

/// Opens the keyring for a start of the server: made at the first start, and checked
/// against what the database already holds before the database is opened for writing, so
/// a missing or wrong keyring stops the start and changes nothing.
func openKeyring(_ configuration: ServerConfiguration) throws -> KeyringFile {
    let location = configuration.keyringLocation()
    try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true,
                                            attributes: [.posixPermissions: 0o700])
    return try KeyringGate.open(path: location.path, databasePath: configuration.databasePath, mayCreate: !location.isCredential)
}

/// The data folder's database for an offline command, which must find one there (and not
/// make an empty one in a mistyped folder).
func openExistingState(_ configuration: ServerConfiguration) throws -> StateStore {
    guard FileManager.default.fileExists(atPath: configuration.databasePath) else {
        throw ConfigurationError("no Enclave database in \(configuration.dataDirectory) (give the server's --data-dir)")
    }
    return try openState(configuration).0
}

/// The built-in secret store over the server's database, sealing with `keys`.
func secretStore(_ store: StateStore, keys: any CipherSource) -> SecretStore {
    SecretStore(records: SQLiteSecretRepository(store: store), backend: EncryptedSecretBackend(store: store, keys: keys),
                audit: SQLiteAuditTrail(store: store))
}

/// `enclave secrets rotate-key`: a new primary key, then every value re-wrapped onto it,
/// online (a running server picks the key up from the file on its next write).
public func rotateSecretsKey(_ configuration: ServerConfiguration, progress: (Int, Int) -> Void) async throws -> SecretKeyRotation.Outcome {
    let location = configuration.keyringLocation()
    guard !location.isCredential else {
        throw SecretsError.keyring("the keyring comes from the systemd credential \(location.path), which is read-only: "
            + "rotate a copy with secrets_keyring pointing at it, then install that copy as the credential")
    }
    return try await withSecretTables(configuration) { tables in
        let keys = try KeyringGate.open(path: location.path, samples: try await tables.values.samplePerKey(), mayCreate: false)
        return try await SecretKeyRotation.rotate(keyringPath: location.path, backend: EncryptedSecretBackend(values: tables.values, keys: keys),
                                                  audit: tables.audit, progress: progress)
    }
}

/// `enclave secrets verify`: every value of every secret opened with the keyring.
public func verifySecrets(_ configuration: ServerConfiguration) async throws -> SecretVerification.Report {
    try await withSecretTables(configuration) { tables in
        let keys = try KeyringFile(path: configuration.keyringLocation().path)
        return try await SecretVerification.run(records: tables.records, backend: EncryptedSecretBackend(values: tables.values, keys: keys))
    }
}

/// `enclave audit list|verify`: `body` over the secret store's audit trail in the
/// configuration's database.
public func withAuditTrail<Result>(_ configuration: ServerConfiguration, _ body: (any AuditTrail) async throws -> Result) async throws -> Result {
    try await withSecretTables(configuration) { tables in try await body(tables.audit) }
}

/// The secret store's repositories in the configuration's database, for an offline command.
struct SecretTables {
    let records: any SecretRepository
    let values: any SealedValueRepository
    let audit: any AuditTrail
}

/// Runs `body` over the secret store's tables in the data folder's SQLite file, or in
/// PostgreSQL when `database_url` is set (its pool closed again afterwards).
func withSecretTables<Result>(_ configuration: ServerConfiguration, _ body: (SecretTables) async throws -> Result) async throws -> Result {
    guard let url = configuration.databaseURL else {
        let store = try openExistingState(configuration)
        return try await body(SecretTables(records: SQLiteSecretRepository(store: store), values: SQLiteSealedValueRepository(store: store),
                                           audit: SQLiteAuditTrail(store: store)))
    }
    let (store, pool) = try await OpenedPostgres.connect(url: url, passwordFile: configuration.databasePasswordFile,
                                                         logger: Logger(label: "enclave.secrets"), maximumConnections: 4)
    defer { pool.close() }
    return try await body(SecretTables(records: PostgresSecretRepository(store: store), values: PostgresSealedValueRepository(store: store),
                                       audit: PostgresAuditTrail(store: store)))
}
