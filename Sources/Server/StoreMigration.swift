import ArtifactStore
import Foundation
import Logging
import Storage

/// Where `enclave migrate` moves a single-host install to: a PostgreSQL database and,
/// optionally, an S3-compatible artifact store.
public struct MigrationTarget: Sendable {
    /// `postgresql://USER@HOST:PORT/DB`, as `serve --database-url` takes it.
    public var databaseURL: String
    /// The file holding the database password (else the credential or PGPASSWORD, as for `serve`).
    public var databasePasswordFile: String?
    /// `s3://BUCKET/PREFIX`; nil leaves the artifacts in the data folder.
    public var artifactStore: String?

    /// A target database, and artifact store when given.
    public init(databaseURL: String, databasePasswordFile: String?, artifactStore: String?) {
        self.databaseURL = databaseURL
        self.databasePasswordFile = databasePasswordFile
        self.artifactStore = artifactStore
    }
}

/// `enclave migrate`: copies the stopped single-host install of `configuration` (its SQLite
/// file and artifact folder, neither written) into `target`, every table and file verified
/// by count and SHA-256. Rerunning after an interruption, or after success, finds what is
/// already there and copies only the rest. Tells `say` each step; returns the closing lines.
public func migrateStores(_ configuration: ServerConfiguration, to target: MigrationTarget,
                          environment: [String: String] = ProcessInfo.processInfo.environment,
                          say: @Sendable (String) -> Void) async throws -> [String] {
    guard FileManager.default.fileExists(atPath: configuration.databasePath) else {
        throw ConfigurationError("there is no database to migrate at \(configuration.databasePath)")
    }
    let source = try SQLiteTableSource(path: configuration.databasePath)
    try checkCurrentSchema(source)
    let (store, pool) = try await OpenedPostgres.connect(url: target.databaseURL, passwordFile: target.databasePasswordFile,
                                                         logger: Logger(label: "enclave.migrate"), maximumConnections: 2, environment: environment)
    defer { pool.close() }
    let tables: [TableCopy]
    do {
        tables = try await PostgresTableTarget.claimed(store) { database in
            try await copyTables(DatabaseTransfer(source: source, target: database), say: say)
        }
    } catch {
        throw OpenedPostgres.explained(error, url: store.url)
    }
    var closing = ["\(tables.count) tables, \(tables.reduce(0) { $0 + $1.digest.rows }) rows verified in \(store.url)"]
    closing += try await migrateArtifacts(configuration, to: target, environment: environment, say: say)
    closing.append("the data folder \(configuration.dataDirectory) is untouched; keep it until the new setup has proven itself")
    closing.append("every replica needs the keyring \(configuration.keyringLocation(environment: environment).path) "
                   + "(`secrets_keyring` or the credential enclave-keyring): without it no secret opens")
    return closing
}

/// Copies every table, the install's identity first, each verified, then checks the source held still.
private func copyTables(_ transfer: DatabaseTransfer, say: @Sendable (String) -> Void) async throws -> [TableCopy] {
    let plan = try await transfer.plan(first: [originTable])
    guard let origin = plan.first(where: { $0.name == originTable }) else {
        throw TransferError.schemaMismatch("there is no \(originTable) table")
    }
    try await transfer.checkOrigin(origin)
    let copies = try await transfer.run(plan) { copy in
        if copy.copied || copy.digest.rows > 0 {
            say("\(copy.copied ? "copied" : "already there") \(copy.table): \(copy.digest)")
        }
    }
    try transfer.confirmUnchanged(copies)
    return copies
}

/// The table an install's identity lives in (one row, the server's id): a target whose row
/// differs holds another install's data and is refused.
private let originTable = "server_state"

/// Refuses a source an older binary left (not yet migrated to this version) or a newer one wrote.
private func checkCurrentSchema(_ source: SQLiteTableSource) throws {
    let known = Set(migrationSets.flatMap { set in set.migrations.map { "\(set.module).\($0.name)" } })
    let applied = try source.appliedMigrations()
    let unknown = applied.subtracting(known)
    guard unknown.isEmpty else { throw StorageError.schemaNewerThanBinary(path: source.path, unknownMigrations: unknown.sorted()) }
    guard applied == known else {
        throw ConfigurationError("\(source.path) was written by an older Enclave: start this version on it once "
                                 + "(`enclave serve`, or `enclave upgrade`), stop it, then migrate")
    }
}

/// Copies the data folder's artifacts into the target's S3 store, or says where they stay.
private func migrateArtifacts(_ configuration: ServerConfiguration, to target: MigrationTarget,
                              environment: [String: String], say: @Sendable (String) -> Void) async throws -> [String] {
    if let current = configuration.artifactStore {
        guard target.artifactStore == nil || target.artifactStore == current else {
            throw ConfigurationError("the artifacts are in \(current) already; migrate copies only a data folder's artifacts")
        }
        return ["the artifacts stay in \(current), where they are"]
    }
    guard let address = target.artifactStore else {
        return ["the artifacts stay in \(configuration.artifactDirectory): every replica must reach that folder (a shared mount), "
                + "or move them with --artifact-store s3://BUCKET/PREFIX"]
    }
    guard FileManager.default.fileExists(atPath: configuration.artifactDirectory) else {
        return ["there is no artifact folder at \(configuration.artifactDirectory): nothing to copy to \(address)"]
    }
    var settings = configuration
    settings.artifactStore = address
    let destination = try artifactStore(settings, index: nil, environment: environment)
    let report = try await BlobTransfer(source: try LocalBlobStore(root: configuration.artifactDirectory), target: destination)
        .run { path in say("copied artifact \(path)") }
    return ["\(report.files) artifact files, \(report.bytes) bytes verified by SHA-256 in \(address) (\(report.copied) copied by this run)"]
}
