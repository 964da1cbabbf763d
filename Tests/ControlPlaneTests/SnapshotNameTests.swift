import ControlPlane
import HTTPTypes
import Testing

/// A snapshot's name is unique within its pipeline, as ZenML's server keeps it: a second
/// snapshot of that name is refused (409, `EntityExistsError`) unless it replaces the first,
/// which keeps its runs and loses its name.
@Suite struct SnapshotNameTests {
    @Test func aNameIsHeldByOneSnapshotOfAPipelineUnlessReplaced() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            let project = try await admin.defaultProjectID()
            let stack = try await admin.defaultStackID()
            var pipelines: [String] = []
            for name in ["first", "second"] {
                pipelines.append(try #require(try await admin.call(.post, "/api/v1/pipelines", json: #"{"project":"\#(project)","name":"\#(name)"}"#)
                    .json["id"]?.stringValue))
            }
            func snapshot(_ pipeline: String, _ extra: String = "") async throws -> APIResponse {
                try await admin.call(.post, "/api/v1/pipeline_snapshots", json: #"{"project":"\#(project)","pipeline":"\#(pipeline)","stack":"\#(stack)","name":"nightly","run_name_template":"r-{date}","pipeline_configuration":{"name":"p"},"step_configurations":{},"client_environment":{}\#(extra)}"#)
            }
            let first = try await snapshot(pipelines[0])
            #expect(first.status == .ok)
            let again = try await snapshot(pipelines[0])
            #expect(again.status.code == 409 && again.text.contains("EntityExistsError") && again.text.contains("`replace` flag"), "\(again.text)")
            #expect(try await snapshot(pipelines[1]).status == .ok, "another pipeline's snapshot may have the name")
            let replacing = try await snapshot(pipelines[0], #","replace":true"#)
            #expect(replacing.status == .ok)
            let named = try await admin.call(.get, "/api/v1/pipeline_snapshots?name=nightly&pipeline_id=\(pipelines[0])")
            #expect(named.json["items"]?.arrayValue?.map { $0["id"] } == [replacing.json["id"]])
            let old = try await admin.call(.get, "/api/v1/pipeline_snapshots/\(first.json["id"]?.stringValue ?? "")")
            #expect(old.status == .ok && old.json["name"] == .null, "the replaced snapshot stays, without its name")
        }
    }
}
