import ControlPlane
import HTTPTypes
import Testing

/// Renaming anything onto a name its scope already holds is ZenML's 409
/// `EntityExistsError`, decided by the database's unique constraints (a fuzzer found
/// the API-key case answering 500).
@Suite struct RenameConflictTests {
    func expectConflict(_ response: APIResponse, _ what: String) {
        #expect(response.status == .conflict, "\(what): \(response.status) \(response.text)")
        #expect(response.json["detail"]?.arrayValue?.first == "EntityExistsError", "\(what): \(response.text)")
    }

    @Test func everyRenameOntoATakenNameIs409() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            let account = try #require(try await admin.call(.post, "/api/v1/service_accounts", json: #"{"name":"bot","active":true}"#).json["id"]?.stringValue)
            _ = try await admin.call(.post, "/api/v1/service_accounts/\(account)/api_keys", json: #"{"name":"first"}"#)
            _ = try await admin.call(.post, "/api/v1/service_accounts/\(account)/api_keys", json: #"{"name":"second"}"#)
            expectConflict(try await admin.call(.put, "/api/v1/service_accounts/\(account)/api_keys/second", json: #"{"name":"first"}"#), "API key")
            #expect(try await admin.call(.get, "/api/v1/service_accounts/\(account)/api_keys/second").status == .ok)

            _ = try await admin.call(.post, "/api/v1/service_accounts", json: #"{"name":"other-bot","active":true}"#)
            expectConflict(try await admin.call(.put, "/api/v1/service_accounts/bot", json: #"{"name":"other-bot"}"#), "service account")
            _ = try await admin.call(.post, "/api/v1/users", json: #"{"name":"ann","password":"Ann-Pass-1","is_admin":false}"#)
            expectConflict(try await admin.call(.put, "/api/v1/users/ann", json: #"{"name":"admin"}"#), "user")

            _ = try await admin.call(.post, "/api/v1/projects", json: #"{"name":"second-project","display_name":"x"}"#)
            expectConflict(try await admin.call(.put, "/api/v1/projects/second-project", json: #"{"name":"default"}"#), "project")

            let store = try #require(try await admin.call(.get, "/api/v1/components?name=default&type=artifact_store").json["items"]?.arrayValue?.first?["id"]?.stringValue)
            let orchestrator = try #require(try await admin.call(.get, "/api/v1/components?name=default&type=orchestrator").json["items"]?.arrayValue?.first?["id"]?.stringValue)
            let extra = try #require(try await admin.call(.post, "/api/v1/components", json: #"{"name":"store-2","type":"artifact_store","flavor":"local","configuration":{"path":"/tmp/s2"}}"#).json["id"]?.stringValue)
            expectConflict(try await admin.call(.put, "/api/v1/components/\(extra)", json: #"{"name":"default"}"#), "component")
            let stack = try await admin.call(.post, "/api/v1/stacks", json: #"{"name":"second-stack","components":{"artifact_store":["\#(store)"],"orchestrator":["\#(orchestrator)"]}}"#)
            let stackID = try #require(stack.json["id"]?.stringValue)
            expectConflict(try await admin.call(.put, "/api/v1/stacks/\(stackID)", json: #"{"name":"default"}"#), "stack")
        }
    }

    /// The statuses of `count` POSTs of `body` to `path`, sent at once.
    func race(_ admin: APITestClient, _ path: String, _ body: String, count: Int = 8) async throws -> [HTTPResponse.Status] {
        try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
            for _ in 0..<count { group.addTask { try await admin.call(.post, path, json: body).status } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    func expectOneWinner(_ statuses: [HTTPResponse.Status], _ what: String) {
        #expect(statuses.filter { $0 == .ok }.count == 1 && statuses.filter { $0 == .conflict }.count == statuses.count - 1, "\(what): \(statuses)")
    }

    @Test func racingCreatesOfOneNameMakeOneProjectStackAndComponent() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            expectOneWinner(try await race(admin, "/api/v1/projects", #"{"name":"raced"}"#), "project")
            expectOneWinner(try await race(admin, "/api/v1/components", #"{"name":"raced","type":"artifact_store","flavor":"local","configuration":{"path":"/tmp/r"}}"#),
                            "component")
            let store = try #require(try await admin.call(.get, "/api/v1/components?name=raced&type=artifact_store").json["items"]?.arrayValue?.first?["id"]?.stringValue)
            let orchestrator = try #require(try await admin.call(.get, "/api/v1/components?name=default&type=orchestrator").json["items"]?.arrayValue?.first?["id"]?.stringValue)
            expectOneWinner(try await race(admin, "/api/v1/stacks", #"{"name":"raced","components":{"artifact_store":["\#(store)"],"orchestrator":["\#(orchestrator)"]}}"#),
                            "stack")
            #expect(try await admin.call(.get, "/api/v1/stacks?name=raced").json["items"]?.arrayValue?.count == 1)
            #expect(try await admin.call(.delete, "/api/v1/components/\(store)").status == .forbidden)  // in a stack
            #expect(try await admin.call(.get, "/api/v1/projects?name=raced").json["items"]?.arrayValue?.count == 1)
            #expect(try await admin.call(.delete, "/api/v1/projects/raced").status == .ok)
            #expect(try await admin.call(.delete, "/api/v1/projects/default").status == .forbidden)
            #expect(try await admin.call(.get, "/api/v1/projects/raced").status == .notFound)
        }
    }
}
