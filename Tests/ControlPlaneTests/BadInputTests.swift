import HTTPTypes
import NIOCore
import Testing

/// Every kind of bad input gets a 4xx in ZenML's `{"detail": …}` form, never a 5xx.
@Suite struct BadInputTests {
    @Test func malformedJSONIs422() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            for body in ["{", "[1,", "{\"name\": }", "null", "\"just a string\"", ""] {
                let response = try await admin.call(.post, "/api/v1/pipelines", json: body)
                #expect(response.status == .unprocessableContent, "body \(body)")
                #expect(response.exception == "ValidationError")
            }
        }
    }

    @Test func wrongTypesAndMissingFieldsAre422() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            let project = try await admin.defaultProjectID()
            for body in [#"{"project":"\#(project)","name":42}"#, #"{"project":"\#(project)"}"#, #"{"project":7,"name":"p"}"#,
                         #"{"project":"\#(project)","name":"p","description":["x"]}"#] {
                let response = try await admin.call(.post, "/api/v1/pipelines", json: body)
                #expect(response.status == .unprocessableContent, "body \(body)")
                #expect(response.json["detail"]?.arrayValue?.count == 2)
            }
            let run = try await admin.call(.post, "/api/v1/runs", json: #"{"project":"\#(project)","name":"r","snapshot":"not-a-uuid"}"#)
            #expect(run.status == .unprocessableContent)
            let status = try await admin.call(.post, "/api/v1/steps", json: #"{"pipeline_run_id":"\#(project)","name":"s","status":"exploded"}"#)
            #expect(status.status == .unprocessableContent)
        }
    }

    @Test func unknownIdsAre404KeyError() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            for path in ["/api/v1/pipelines/2b3c2b1e-0000-4000-8000-000000000000", "/api/v1/runs/2b3c2b1e-0000-4000-8000-000000000000",
                         "/api/v1/stacks/nope", "/api/v1/projects/nope", "/api/v1/users/nope", "/api/v1/artifact_versions/x"] {
                let response = try await admin.call(.get, path)
                #expect(response.status == .notFound, "path \(path)")
                #expect(response.exception == "KeyError")
            }
            let unrouted = try await admin.call(.get, "/api/v1/no-such-thing")
            #expect(unrouted.status == .notFound)
            #expect(unrouted.json == ["detail": "Not Found"])
        }
    }

    @Test func badFilterSyntaxIs4xx() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            for query in ["page=0", "size=abc", "sort_by=desc:secret", "logical_operator=xor", "created=gt:tomorrow",
                          "name=oneof:notalist", "hydrate=perhaps", "name=isnull:value"] {
                let response = try await admin.call(.get, "/api/v1/pipelines?\(query)")
                #expect((400..<500).contains(Int(response.status.code)), "query \(query)")
                #expect(response.json["detail"]?.arrayValue?.count == 2, "query \(query)")
            }
        }
    }

    @Test func oversizedBodyIs413() async throws {
        try await withEnclave(maxBodyBytes: 4096) { api in
            let admin = try await api.activateAdmin()
            let big = #"{"name":"\#(String(repeating: "x", count: 10_000))"}"#
            let response = try await admin.call(.post, "/api/v1/pipelines", json: big)
            #expect(response.status == .contentTooLarge)
            #expect(response.exception == "ValueError")
        }
    }

    @Test func controlCharactersInNamesAre422() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            let project = try await admin.defaultProjectID()
            for name in [#"bad\nname"#, #"tab\there"#, #"nul\u0000"#, #"bell\u0007"#, "", "   "] {
                let response = try await admin.call(.post, "/api/v1/pipelines", json: #"{"project":"\#(project)","name":"\#(name)"}"#)
                #expect(response.status == .unprocessableContent, "name \(name)")
            }
            #expect(try await admin.call(.get, "/api/v1/pipelines").json["total"] == 0)
            let user = try await admin.call(.post, "/api/v1/users", json: #"{"name":"a\rb","password":"abcdefgh"}"#)
            #expect(user.status == .unprocessableContent)
        }
    }

    @Test func deeplyNestedBodyIs422NotACrash() async throws {
        try await withEnclave(maxBodyBytes: 1 << 20) { api in
            let admin = try await api.activateAdmin()
            let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
            let response = try await admin.call(.post, "/api/v1/artifact_versions/batch", json: deep)
            #expect(response.status == .unprocessableContent)
        }
    }
}
