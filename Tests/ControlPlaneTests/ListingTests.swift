import HTTPTypes
import Testing

@Suite struct ListingTests {
    @Test func pagesSortsAndFilters() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            let project = try await admin.defaultProjectID()
            for name in ["delta", "alpha", "echo", "charlie", "bravo"] {
                #expect(try await admin.call(.post, "/api/v1/pipelines", json: #"{"project":"\#(project)","name":"\#(name)"}"#).status == .ok)
            }
            let page = try await admin.call(.get, "/api/v1/pipelines?size=2&page=3&sort_by=asc:name&project=default").json
            #expect(page["total"] == 5 && page["total_pages"] == 3 && page["index"] == 3 && page["max_size"] == 2)
            #expect(page["items"]?.arrayValue?.map { $0["name"] } == ["echo"])
            let desc = try await admin.call(.get, "/api/v1/pipelines?size=2&sort_by=desc:name").json
            #expect(desc["items"]?.arrayValue?.map { $0["name"] } == ["echo", "delta"])
            let either = try await admin.call(.get, "/api/v1/pipelines?logical_operator=or&name=alpha&id=startswith:zzz").json
            #expect(either["total"] == 1)
            let contains = try await admin.call(.get, "/api/v1/pipelines?name=contains:ar").json
            #expect(contains["items"]?.arrayValue?.map { $0["name"] } == ["charlie"])
            let oneof = try await admin.call(.get, #"/api/v1/pipelines?name=oneof:%5B%22alpha%22%2C%22bravo%22%5D"#).json
            #expect(oneof["total"] == 2)
            let hydrated = try await admin.call(.get, "/api/v1/pipelines?size=1&hydrate=True").json
            #expect(hydrated["items"]?.arrayValue?.first?["metadata"] != .null)
            let unhydrated = try await admin.call(.get, "/api/v1/pipelines?size=1&hydrate=False").json
            #expect(unhydrated["items"]?.arrayValue?.first?["metadata"] == .null)
        }
    }

    @Test func retriedWriteWithTheSameKeyHappensOnce() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            let project = try await admin.defaultProjectID()
            let body = #"{"project":"\#(project)","name":"once"}"#
            let first = try await admin.call(.post, "/api/v1/pipelines", json: body, headers: [HTTPField.Name("Idempotency-Key")!: "k-1"])
            let retry = try await admin.call(.post, "/api/v1/pipelines", json: body, headers: [HTTPField.Name("Idempotency-Key")!: "k-1"])
            #expect(first.status == .ok && retry.status == .ok)
            #expect(first.json["id"] == retry.json["id"])
            let fresh = try await admin.call(.post, "/api/v1/pipelines", json: body, headers: [HTTPField.Name("Idempotency-Key")!: "k-2"])
            #expect(fresh.status == .conflict)
            #expect(fresh.exception == "EntityExistsError")
            #expect(try await admin.call(.get, "/api/v1/pipelines?name=once").json["total"] == 1)
        }
    }

    @Test func defaultObjectsExist() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            let stacks = try await admin.call(.get, "/api/v1/stacks?name=default").json
            let stackID = try #require(stacks["items"]?.arrayValue?.first?["id"]?.stringValue)
            let stack = try await admin.call(.get, "/api/v1/stacks/\(stackID)?hydrate=True").json
            let components = try #require(stack["metadata"]?["components"]?.objectValue)
            #expect(Set(components.keys) == ["orchestrator", "artifact_store", "deployer"])
            let inStack = try await admin.call(.get, "/api/v1/components?hydrate=True&stack_id=\(stackID)").json
            #expect(inStack["total"] == 3)
            let sources = inStack["items"]?.arrayValue?.compactMap { $0["resources"]?["flavor"]?["body"]?["source"]?.stringValue } ?? []
            #expect(sources.contains("zenml.orchestrators.local.local_orchestrator.LocalOrchestratorFlavor"))
            let flavor = try await admin.call(.get, "/api/v1/flavors?hydrate=True&name=local&type=artifact_store").json
            #expect(flavor["items"]?.arrayValue?.first?["metadata"]?["config_schema"]?["title"] == "LocalArtifactStoreConfig")
            #expect(try await admin.call(.delete, "/api/v1/stacks/\(stackID)").status == .forbidden)
        }
    }

    @Test func stacksNeedAnOrchestratorAndAnArtifactStore() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            let store = try await admin.call(.post, "/api/v1/components",
                                              json: #"{"name":"s","type":"artifact_store","flavor":"local","configuration":{"path":"/tmp/x"}}"#)
            let storeID = try #require(store.json["id"]?.stringValue)
            #expect(try await admin.call(.post, "/api/v1/components", json: #"{"name":"o","type":"orchestrator","flavor":"no-such-flavor","configuration":{}}"#).status == .notFound)
            let incomplete = try await admin.call(.post, "/api/v1/stacks", json: #"{"name":"st","components":{"artifact_store":["\#(storeID)"]}}"#)
            #expect(incomplete.status == .badRequest)
            let orchestrator = try #require(try await admin.call(.post, "/api/v1/components", json: #"{"name":"o","type":"orchestrator","flavor":"local","configuration":{}}"#).json["id"]?.stringValue)
            let mismatched = try await admin.call(.post, "/api/v1/stacks", json: #"{"name":"st","components":{"artifact_store":["\#(orchestrator)"],"orchestrator":["\#(orchestrator)"]}}"#)
            #expect(mismatched.status == .badRequest)
            let stack = try await admin.call(.post, "/api/v1/stacks", json: #"{"name":"st","components":{"artifact_store":["\#(storeID)"],"orchestrator":["\#(orchestrator)"]}}"#)
            #expect(stack.status == .ok)
            #expect(try await admin.call(.delete, "/api/v1/components/\(storeID)").status == .forbidden)
        }
    }
}
