import ControlPlane
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PostgresTesting
import Server

/// One answer of the API under test, with its body parsed when it is JSON.
struct APIResponse {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let text: String
    var json: JSONValue { (try? JSONValue.parse(Array(text.utf8))) ?? .null }

    /// The exception name of a ZenML error body (`{"detail": [name, message]}`).
    var exception: String? { json["detail"]?.arrayValue?.first?.stringValue }
}

/// Talks to a live Enclave the way the ZenML client does, remembering a bearer token.
struct APITestClient {
    let client: any TestClientProtocol
    var token: String?

    func call(_ method: HTTPRequest.Method, _ path: String, json: String? = nil, form: String? = nil,
              headers extra: HTTPFields = [:], rawBody: ByteBuffer? = nil) async throws -> APIResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        var body = rawBody
        if let json { headers[.contentType] = "application/json"; body = ByteBuffer(string: json) }
        if let form { headers[.contentType] = "application/x-www-form-urlencoded"; body = ByteBuffer(string: form) }
        return try await client.execute(uri: path, method: method, headers: headers, body: body) { response in
            APIResponse(status: response.status, headers: response.headers, text: String(buffer: response.body))
        }
    }

    /// Logs in with a password and returns a client carrying the token.
    func login(_ name: String, _ password: String) async throws -> APITestClient {
        let response = try await call(.post, "/api/v1/login", form: "grant_type=password&username=\(name)&password=\(password)")
        guard let token = response.json["access_token"]?.stringValue else { throw TestFailure("login of \(name) failed: \(response.text)") }
        return APITestClient(client: client, token: token)
    }

    /// Activates the fresh server with an admin and returns the admin's client.
    func activateAdmin() async throws -> APITestClient {
        let response = try await call(.put, "/api/v1/activate", json: #"{"admin_username":"admin","admin_password":"Adm1n-Passw0rd"}"#)
        guard response.status == .ok else { throw TestFailure("activation failed: \(response.text)") }
        return try await login("admin", "Adm1n-Passw0rd")
    }

    /// The id of the default project.
    func defaultProjectID() async throws -> String {
        try await call(.get, "/api/v1/projects?name=default").json["items"]?.arrayValue?.first?["id"]?.stringValue ?? ""
    }

    func defaultStackID() async throws -> String {
        try await call(.get, "/api/v1/stacks?name=default").json["items"]?.arrayValue?.first?["id"]?.stringValue ?? ""
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs `test` against a fresh Enclave (own data folder, port 0) built by the same
/// `buildApplication` the binary uses. With `ENCLAVE_TEST_DATABASE=memory` (a later pass of
/// `make test`) its database is the in-memory implementation instead of a file; with
/// `ENCLAVE_TEST_DATABASE=postgres`, a fresh database on the test cluster.
func withEnclave(maxBodyBytes: Int = 64 * 1024, _ test: @escaping @Sendable (APITestClient) async throws -> Void) async throws {
    var configuration = ServerConfiguration()
    let engine = ProcessInfo.processInfo.environment["ENCLAVE_TEST_DATABASE"]
    configuration.inMemoryDatabase = engine == "memory"
    let postgres = engine == "postgres" ? try await TestPostgres.freshDatabase(maximumConnections: 1) : nil
    if let postgres {
        configuration.databaseURL = postgres.store.url.description
        configuration.databasePasswordFile = ProcessInfo.processInfo.environment["ENCLAVE_TEST_DATABASE_PASSWORD_FILE"]
    }
    configuration.port = 0
    configuration.dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("enclave-test-\(UUID().uuidString)").path
    configuration.bcryptCost = 4
    configuration.maxBodyBytes = maxBodyBytes
    defer { try? FileManager.default.removeItem(atPath: configuration.dataDirectory) }
    var logger = Logger(label: "enclave-test")
    logger.logLevel = .warning
    do {
        let app = try await buildApplication(configuration, logger: logger)
        try await app.test(.live) { client in try await test(APITestClient(client: client)) }
    } catch {
        await postgres?.drop()
        throw error
    }
    await postgres?.drop()
}
