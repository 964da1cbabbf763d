import ControlPlane
import HTTPTypes
import Testing

/// A list page reads its rows and their relations in a number of SQL statements that does
/// not grow with the page: a 1-row and a 100-row page of every list cost the same.
@Suite struct PageQueryCountTests {
    static let rows = 101

    /// Statements the server ran for one request, read from `/metrics` before and after; the
    /// fewest of three tries, so nothing else the server does at the time is counted.
    func statements(_ admin: APITestClient, _ path: String) async throws -> Int {
        var fewest = Int.max
        for _ in 0..<3 {
            let before = try await counted(admin)
            let response = try await admin.call(.get, path)
            #expect(response.status == .ok, "\(path): \(response.text.prefix(300))")
            fewest = min(fewest, try await counted(admin) - before)
        }
        return fewest
    }

    func counted(_ admin: APITestClient) async throws -> Int {
        let text = try await admin.call(.get, "/metrics").text
        let line = text.split(separator: "\n").first { $0.hasPrefix("enclave_database_statements_total ") }
        return Int(Double(line?.split(separator: " ").last ?? "") ?? -1)
    }

    /// `rows` pipelines, each with a tagged snapshot, run (with logs and a model version),
    /// a step with an input and an output, an artifact, and a model.
    func populate(_ admin: APITestClient) async throws {
        let project = try await admin.defaultProjectID()
        let stack = try await admin.defaultStackID()
        let steps = #"{"make":{"spec":{"source":{"module":"steps","attribute":"make","type":"user"},"upstream_steps":[],"invocation_id":"make"},"config":{"name":"make","substitutions":{}},"step_config_overrides":{"name":"make"}}}"#
        var previousOutput: String?
        let orchestrator = try #require(try await admin.call(.post, "/api/v1/components", json: #"{"name":"orchestrator","type":"orchestrator","flavor":"local","configuration":{}}"#).json["id"]?.stringValue)
        for i in 0..<Self.rows {
            let pipeline = try #require(try await admin.call(.post, "/api/v1/pipelines", json: #"{"project":"\#(project)","name":"p\#(i)","tags":["shared","p\#(i)"]}"#).json["id"]?.stringValue)
            let snapshot = try #require(try await admin.call(.post, "/api/v1/pipeline_snapshots", json: #"{"project":"\#(project)","pipeline":"\#(pipeline)","stack":"\#(stack)","run_name_template":"r","pipeline_configuration":{"name":"p\#(i)","substitutions":{},"model":{"name":"m\#(i)"}},"step_configurations":\#(steps),"client_version":"0.98.0","server_version":"0.98.0","tags":["shared"]}"#).json["id"]?.stringValue)
            let logs = try #require(try await admin.call(.post, "/api/v1/logs", json: #"{"project":"\#(project)","source":"client","uri":"/tmp/logs/\#(i)"}"#).json["id"]?.stringValue)
            let run = try await admin.call(.post, "/api/v1/runs", json: #"{"project":"\#(project)","snapshot":"\#(snapshot)","name":"run-\#(i)","status":"running","logs":"\#(logs)","tags":["shared"]}"#)
            let runID = try #require(run.json.arrayValue?.first?["id"]?.stringValue)
            let version = try await admin.call(.post, "/api/v1/artifact_versions/batch", json: #"[{"project":"\#(project)","artifact_name":"a\#(i)","type":"DataArtifact","uri":"/tmp/a\#(i)","materializer":{"module":"m","attribute":"A","type":"internal"},"data_type":{"module":"builtins","attribute":"int","type":"builtin"},"save_type":"step_output","tags":["shared"]}]"#)
            let output = try #require(version.json.arrayValue?.first?["id"]?.stringValue)
            let inputs = previousOutput.map { #","inputs":{"x":["\#($0)"]}"# } ?? ""
            let step = try await admin.call(.post, "/api/v1/steps", json: #"{"project":"\#(project)","pipeline_run_id":"\#(runID)","name":"make","status":"completed","start_time":"2026-12-01T10:00:00","outputs":{"output":["\#(output)"]}\#(inputs)}"#)
            #expect(step.status == .ok, "\(step.text)")
            previousOutput = output
            let stepID = try #require(step.json["id"]?.stringValue)
            let stepLogs = try #require(try await admin.call(.post, "/api/v1/logs", json: #"{"project":"\#(project)","source":"step","uri":"/tmp/logs/s\#(i)","step_run_id":"\#(stepID)"}"#).json["id"]?.stringValue)
            let hook = try await admin.call(.post, "/api/v1/hook_invocations", json: #"{"project":"\#(project)","pipeline_run_id":"\#(runID)","step_run_id":"\#(stepID)","hook_type":"step_success","logs_id":"\#(stepLogs)","status":"completed","start_time":"2026-12-01T10:00:00"}"#)
            #expect(hook.status == .ok, "\(hook.text)")
            let store = try #require(try await admin.call(.post, "/api/v1/components", json: #"{"name":"as\#(i)","type":"artifact_store","flavor":"local","configuration":{"path":"/tmp/as\#(i)"}}"#).json["id"]?.stringValue)
            let stackMade = try await admin.call(.post, "/api/v1/stacks", json: #"{"name":"s\#(i)","components":{"artifact_store":["\#(store)"],"orchestrator":["\#(orchestrator)"]}}"#)
            #expect(stackMade.status == .ok, "\(stackMade.text)")
        }
    }

    @Test func everyListCostsTheSameForOneRowAndAHundred() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            try await populate(admin)
            let lists = ["pipelines", "pipeline_snapshots", "runs", "steps", "artifacts", "artifact_versions", "models", "model_versions",
                         "model_version_pipeline_runs", "tags", "stacks", "components", "flavors", "hook_invocations", "projects",
                         "users", "service_accounts"]
            for list in lists {
                for hydrate in ["False", "True"] {
                    let one = try await statements(admin, "/api/v1/\(list)?size=1&hydrate=\(hydrate)&sort_by=desc:created")
                    let hundred = try await statements(admin, "/api/v1/\(list)?size=100&hydrate=\(hydrate)&sort_by=desc:created")
                    #expect(one == hundred, "\(list) hydrate=\(hydrate): \(one) statements for 1 row, \(hundred) for 100")
                    #expect(one > 0 && one < 40, "\(list) hydrate=\(hydrate): \(one) statements")
                }
            }
            // Rows made by the test come first (the defaults made at start have no owner, so fewer relations).
            // The lists above really hold a hundred rows and more.
            for list in ["pipelines", "pipeline_snapshots", "runs", "steps", "artifacts", "artifact_versions", "models", "model_versions", "stacks", "components", "hook_invocations"] {
                let total = try await admin.call(.get, "/api/v1/\(list)?size=1").json["total"]?.intValue ?? 0
                #expect(total >= 100, "\(list) holds \(total) rows")
            }
        }
    }
}
