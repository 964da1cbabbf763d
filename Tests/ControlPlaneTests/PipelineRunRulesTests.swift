import ControlPlane
import HTTPTypes
import Testing

/// The server-side rules of REPORT.md §7, driven over HTTP the way the client does.
@Suite struct PipelineRunRulesTests {
    /// Creates a pipeline and a two-step snapshot (`make` → `use`); returns (pipeline, snapshot) ids.
    func snapshot(_ admin: APITestClient, project: String) async throws -> (String, String) {
        let pipeline = try #require(try await admin.call(.post, "/api/v1/pipelines", json: #"{"project":"\#(project)","name":"mini"}"#).json["id"]?.stringValue)
        let stack = try await admin.defaultStackID()
        let steps = #"{"make":{"spec":{"source":{"module":"steps","attribute":"make","type":"user"},"upstream_steps":[],"invocation_id":"make"},"config":{"name":"make","substitutions":{}},"step_config_overrides":{"name":"make"}},"use":{"spec":{"source":{"module":"steps","attribute":"use","type":"user"},"upstream_steps":["make"],"invocation_id":"use"},"config":{"name":"use","substitutions":{"extra":"x"}},"step_config_overrides":{"name":"use"}}}"#
        let body = #"{"project":"\#(project)","pipeline":"\#(pipeline)","stack":"\#(stack)","run_name_template":"mini-{date}","pipeline_configuration":{"name":"mini","substitutions":{}},"step_configurations":\#(steps),"client_environment":{"python_packages":"huge","os":"linux"},"client_version":"0.98.0","server_version":"0.98.0"}"#
        let response = try await admin.call(.post, "/api/v1/pipeline_snapshots", json: body)
        #expect(response.status == .ok)
        #expect(response.json["metadata"]?["step_configurations"]?.objectValue.map { Array($0.keys) } == ["make", "use"])
        #expect(response.json["metadata"]?["client_environment"]?["python_packages"] == nil)
        return (pipeline, try #require(response.json["id"]?.stringValue))
    }

    func artifactVersion(_ admin: APITestClient, project: String, name: String) async throws -> JSONValue {
        let body = #"[{"project":"\#(project)","artifact_name":"\#(name)","type":"DataArtifact","uri":"/tmp/a","materializer":{"module":"m","attribute":"A","type":"internal"},"data_type":{"module":"builtins","attribute":"int","type":"builtin"},"save_type":"step_output","metadata":{"storage_size":2},"visualizations":[{"type":"json","uri":"/tmp/a/v.json"}]}]"#
        let response = try await admin.call(.post, "/api/v1/artifact_versions/batch", json: body)
        #expect(response.status == .ok)
        return response.json.arrayValue?.first ?? .null
    }

    @Test func placeholderIsReplacedAndStatusFollowsTheSteps() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            let project = try await admin.defaultProjectID()
            let (pipeline, snapshot) = try await snapshot(admin, project: project)
            let placeholder = try await admin.call(.post, "/api/v1/runs", json: #"{"project":"\#(project)","snapshot":"\#(snapshot)","name":"mini-run-1","status":"initializing","start_time":"2026-11-26T18:06:12.449768","orchestrator_run_id":null}"#)
            #expect(placeholder.json.arrayValue?.last == true)
            let run = try #require(placeholder.json.arrayValue?.first)
            let runID = try #require(run["id"]?.stringValue)
            #expect(run["body"]?["index"] == 1 && run["body"]?["in_progress"] == true)
            #expect(run["metadata"]?["config"]?["substitutions"] == ["date": "2026_11_26", "time": "18_06_12_449768"])

            let real = try await admin.call(.post, "/api/v1/runs", json: #"{"project":"\#(project)","snapshot":"\#(snapshot)","name":"mini-run-other","status":"running","orchestrator_run_id":"orch-1","orchestrator_environment":{"python_packages":"x","os":"linux"}}"#)
            #expect(real.json.arrayValue?.first?["id"]?.stringValue == runID)
            #expect(real.json.arrayValue?.first?["name"] == "mini-run-1")
            #expect(real.json.arrayValue?.first?["body"]?["status"] == "running")
            let again = try await admin.call(.post, "/api/v1/runs", json: #"{"project":"\#(project)","snapshot":"\#(snapshot)","name":"mini-run-other","status":"running","orchestrator_run_id":"orch-1"}"#)
            #expect(again.json.arrayValue?.last == false)

            let make = try await admin.call(.post, "/api/v1/steps", json: #"{"project":"\#(project)","pipeline_run_id":"\#(runID)","start_time":"2026-11-26T18:06:13","name":"make","status":"running","cache_key":"k1"}"#)
            let makeID = try #require(make.json["id"]?.stringValue)
            #expect(make.json["metadata"]?["config"]?["substitutions"]?["date"] == "2026_11_26")
            #expect(make.json["metadata"]?["spec"]?["upstream_steps"] == [])
            let output = try await artifactVersion(admin, project: project, name: "mini::make::output")
            #expect(output["body"]?["version"] == "1")
            let outputID = try #require(output["id"]?.stringValue)
            _ = try await admin.call(.put, "/api/v1/steps/\(makeID)", json: #"{"outputs":{"output":["\#(outputID)"]},"status":"completed","end_time":"2026-11-26T18:06:14.53042"}"#)
            #expect(try await admin.call(.get, "/api/v1/runs/\(runID)").json["body"]?["status"] == "running")

            let use = try await admin.call(.post, "/api/v1/steps", json: #"{"project":"\#(project)","pipeline_run_id":"\#(runID)","start_time":"2026-11-26T18:06:13","name":"use","status":"running","inputs":{"x":["\#(outputID)"]}}"#)
            let useID = try #require(use.json["id"]?.stringValue)
            #expect(use.json["metadata"]?["parent_step_ids"] == [.string(makeID)])
            #expect(use.json["metadata"]?["config"]?["substitutions"]?["extra"] == "x")
            #expect(use.json["resources"]?["inputs"]?["x"]?.arrayValue?.first?["input_type"] == "step_output")
            _ = try await admin.call(.put, "/api/v1/steps/\(useID)", json: #"{"status":"completed"}"#)

            let finished = try await admin.call(.get, "/api/v1/runs/\(runID)?hydrate=True").json
            #expect(finished["body"]?["status"] == "completed" && finished["body"]?["in_progress"] == false)
            #expect(finished["metadata"]?["end_time"] != .null)
            let late = try await admin.call(.put, "/api/v1/runs/\(runID)", json: #"{"status":"provisioning"}"#)
            #expect(late.json["body"]?["status"] == "completed")

            let version = try await admin.call(.get, "/api/v1/artifact_versions/\(outputID)").json
            #expect(version["resources"]?["producer_step_run_id"]?.stringValue == makeID)
            #expect(version["resources"]?["producer_pipeline_run_id"]?.stringValue == runID)
            let second = try await artifactVersion(admin, project: project, name: "mini::make::output")
            #expect(second["body"]?["version"] == "2")
            let artifacts = try await admin.call(.get, "/api/v1/artifacts?name=mini::make::output").json
            #expect(artifacts["items"]?.arrayValue?.first?["resources"]?["latest_version_name"] == "2")
            let pipelineRow = try await admin.call(.get, "/api/v1/pipelines/\(pipeline)").json
            #expect(pipelineRow["resources"]?["latest_run_status"] == "completed")

            let cacheHit = try await admin.call(.get, "/api/v1/steps?hydrate=True&size=1&sort_by=desc:created&cache_key=k1&status=completed&cache_expired=False&project=\(project)").json
            #expect(cacheHit["items"]?.arrayValue?.first?["id"]?.stringValue == makeID)

            let next = try await admin.call(.post, "/api/v1/runs", json: #"{"project":"\#(project)","snapshot":"\#(snapshot)","name":"mini-run-2","status":"initializing"}"#)
            #expect(next.json.arrayValue?.first?["body"]?["index"] == 2)
            let duplicate = try await admin.call(.post, "/api/v1/runs", json: #"{"project":"\#(project)","snapshot":"\#(snapshot)","name":"mini-run-2","status":"initializing","orchestrator_run_id":"o-9"}"#)
            #expect(duplicate.status == .ok)
        }
    }

    @Test func fullyCachedRunCompletesByItself() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            let project = try await admin.defaultProjectID()
            let (_, snapshot) = try await snapshot(admin, project: project)
            let run = try await admin.call(.post, "/api/v1/runs", json: #"{"project":"\#(project)","snapshot":"\#(snapshot)","name":"cached-run","status":"initializing"}"#)
            let runID = try #require(run.json.arrayValue?.first?["id"]?.stringValue)
            for step in ["make", "use"] {
                _ = try await admin.call(.post, "/api/v1/steps", json: #"{"project":"\#(project)","pipeline_run_id":"\#(runID)","start_time":"2026-11-26T18:06:13","name":"\#(step)","status":"cached"}"#)
                let status = try await admin.call(.get, "/api/v1/runs/\(runID)").json["body"]?["status"]
                #expect(status == (step == "make" ? "initializing" : "completed"))
            }
        }
    }

    @Test func stepsOutsideTheSnapshotAreRefused() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            let project = try await admin.defaultProjectID()
            let (_, snapshot) = try await snapshot(admin, project: project)
            let runID = try #require(try await admin.call(.post, "/api/v1/runs", json: #"{"project":"\#(project)","snapshot":"\#(snapshot)","name":"r","status":"initializing"}"#).json.arrayValue?.first?["id"]?.stringValue)
            let response = try await admin.call(.post, "/api/v1/steps", json: #"{"project":"\#(project)","pipeline_run_id":"\#(runID)","start_time":"2026-11-26T18:06:13","name":"ghost","status":"running"}"#)
            #expect(response.status == .badRequest)
            #expect(try await admin.call(.get, "/api/v1/steps?pipeline_run_id=\(runID)").json["total"] == 0)
        }
    }
}
