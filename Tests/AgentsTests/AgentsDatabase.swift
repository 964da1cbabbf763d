import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Agents
@testable import Identity
import PostgresTesting
import Storage

/// One fresh database holding the identity and agents tables, on one engine, with the
/// agent API over it and the accounts its tests call with.
final class AgentsDatabase: EngineFixture {
    let engine: TestEngine
    let path: String
    let sqlite: StateStore?
    let postgres: TestDatabase?

    private init(engine: TestEngine, path: String, sqlite: StateStore?, postgres: TestDatabase?) {
        self.engine = engine; self.path = path; self.sqlite = sqlite; self.postgres = postgres
    }

    static func open(_ engine: TestEngine) async throws -> Self {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("agents-\(UUID().uuidString).sqlite").path
        switch engine {
        case .sqlite:
            return Self(engine: engine, path: path, sqlite: try StateStore(path: path, migrationSets: [IdentityMigrations.set, AgentsMigrations.set]),
                        postgres: nil)
        case .postgres:
            let database = try await TestPostgres.freshDatabase()
            try await database.store.migrate([IdentityMigrations.postgres, AgentsMigrations.postgres])
            return Self(engine: engine, path: path, sqlite: nil, postgres: database)
        }
    }

    func close() async {
        await postgres?.drop()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    var agents: any AgentRepository {
        if let sqlite { return SQLiteAgentRepository(store: sqlite) }
        return PostgresAgentRepository(store: postgres!.store)
    }

    var jobs: any AgentJobRepository {
        if let sqlite { return SQLiteAgentJobRepository(store: sqlite) }
        return PostgresAgentJobRepository(store: postgres!.store)
    }

    func identity() async throws -> IdentityStore {
        if let sqlite { return try IdentityStore(store: sqlite, hasher: PasswordHasher(cost: 4)) }
        guard let postgres else { throw IdentityError.damaged("no database") }
        return try await IdentityStore.open(repository: PostgresIdentityRepository(store: postgres.store), hasher: PasswordHasher(cost: 4))
    }
}

/// The credentials the agent API tests call with: an admin's token, two agent accounts'
/// keys and an editor service account's key.
struct Callers {
    let admin: String, agent: String, otherAgent: String, editor: String

    static let root = Principal(userID: "root-id", name: "root", role: .admin, isServiceAccount: false, apiKeyID: nil, tokenHash: "")

    static func make(_ identity: IdentityStore) async throws -> Callers {
        var admin = AccountDraft(name: "admin", role: .admin)
        admin.password = "Adm1n-Passw0rd"
        _ = try await identity.createAccount(admin, activateServer: true)
        let token = try await identity.login(username: "admin", password: "Adm1n-Passw0rd").token
        func key(_ name: String, _ role: Role) async throws -> String {
            var draft = AccountDraft(name: name, role: role)
            draft.isServiceAccount = true
            _ = try await identity.createAccount(draft)
            return try await identity.createAPIKey(serviceAccount: name, name: "key", description: "", actor: root).1
        }
        return Callers(admin: token, agent: try await key("gpu-agent", .agent), otherAgent: try await key("cpu-agent", .agent),
                       editor: try await key("ci-bot", .editor))
    }
}

/// One answer of the agent API, its JSON body parsed.
struct AgentAnswer {
    let status: HTTPResponse.Status
    let body: [String: Any]
    var detail: String { body["detail"] as? String ?? "" }
}

extension TestClientProtocol {
    func call(_ method: HTTPRequest.Method, _ path: String, _ credential: String?, _ body: String? = nil) async throws -> AgentAnswer {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let credential { headers[.authorization] = "Bearer \(credential)" }
        return try await execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            AgentAnswer(status: response.status,
                        body: (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:])
        }
    }
}
