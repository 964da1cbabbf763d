import Foundation
import GRDB
import PostgresNIO
import PostgresTesting
@_spi(SQLiteImplementation) import Storage
import Testing
@testable import Secrets

/// One fresh database of the secret store for one test, on one engine, with what the tests
/// need beside the repositories: raw SQL (to tamper, as an attacker with the file would) and
/// the stored bytes at rest.
final class SecretsDatabase: EngineFixture {
    let engine: TestEngine
    let records: any SecretRepository
    let values: any SealedValueRepository
    let audit: any AuditTrail
    let folder: String
    let sqlite: StateStore?
    let postgres: TestDatabase?

    private init(engine: TestEngine, folder: String, sqlite: StateStore?, postgres: TestDatabase?) {
        self.engine = engine; self.folder = folder; self.sqlite = sqlite; self.postgres = postgres
        if let sqlite {
            records = SQLiteSecretRepository(store: sqlite); values = SQLiteSealedValueRepository(store: sqlite); audit = SQLiteAuditTrail(store: sqlite)
        } else {
            let store = postgres!.store
            records = PostgresSecretRepository(store: store); values = PostgresSealedValueRepository(store: store); audit = PostgresAuditTrail(store: store)
        }
    }

    /// A fresh, migrated database on `engine`.
    static func open(_ engine: TestEngine) async throws -> Self {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("secrets-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        switch engine {
        case .sqlite:
            return Self(engine: engine, folder: folder,
                                   sqlite: try StateStore(path: folder + "/enclave.sqlite", migrationSets: [SecretsMigrations.set]), postgres: nil)
        case .postgres:
            let database = try await TestPostgres.freshDatabase()
            try await database.store.migrate([SecretsMigrations.postgres])
            return Self(engine: engine, folder: folder, sqlite: nil, postgres: database)
        }
    }

    func close() async {
        await postgres?.drop()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// The built-in backend over this database with `cipher`.
    func backend(_ cipher: SecretCipher) -> EncryptedSecretBackend { EncryptedSecretBackend(values: values, keys: cipher) }

    /// A secret store over this database with a new keyring.
    func secretStore() -> SecretStore {
        SecretStore(records: records, backend: backend(SecretCipher(keyring: .generate())), audit: audit)
    }

    /// Runs `sql` (written in the SQL both engines take) outside every repository.
    func execute(_ sql: String) async throws {
        if let sqlite { try await sqlite.database.write { try $0.execute(sql: sql) } }
        if let postgres { try await postgres.store.client.query(PostgresQuery(unsafeSQL: sql)) }
    }

    /// The one integer `sql` answers.
    func integer(_ sql: String) async throws -> Int {
        if let sqlite { return try await sqlite.database.read { try Int.fetchOne($0, sql: sql) } ?? 0 }
        return try await postgres!.store.rows(PostgresQuery(unsafeSQL: sql)).first?.decode(Int.self) ?? 0
    }

    /// Everything stored, as text: the database files for SQLite, every row of every table
    /// as PostgreSQL prints it otherwise.
    func storedText() async throws -> String {
        if sqlite != nil {
            return ["enclave.sqlite", "enclave.sqlite-wal"].compactMap { FileManager.default.contents(atPath: folder + "/" + $0) }
                .map { String(decoding: $0, as: UTF8.self) }.joined()
        }
        var text = ""
        for table in ["secrets", "secrets_values", "secrets_audit"] {
            for row in try await postgres!.store.rows(PostgresQuery(unsafeSQL: "SELECT CAST(t AS TEXT) FROM \(table) t")) {
                text += try row.decode(String.self) + "\n"
            }
        }
        return text
    }

    /// Another replica's repositories over the same PostgreSQL database (nil on SQLite).
    func replica() -> (records: any SecretRepository, audit: any AuditTrail, running: Task<Void, Never>)? {
        guard let postgres else { return nil }
        let (store, running) = postgres.anotherStore()
        return (PostgresSecretRepository(store: store), PostgresAuditTrail(store: store), running)
    }
}
