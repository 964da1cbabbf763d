import ControlPlane
import HTTPTypes
import Testing

/// The numbering and get-or-create rules hold when many requests write at once: no index,
/// attempt or version is handed out twice, one orchestrator run is one pipeline run, and
/// one `Idempotency-Key` performs its write once.
@Suite struct SeveralWritersTests {
    static let writers = 16

    func snapshot(_ admin: APITestClient, project: String) async throws -> String {
        let pipeline = try #require(try await admin.call(.post, "/api/v1/pipelines", json: #"{"project":"\#(project)","name":"race"}"#).json["id"]?.stringValue)
        let stack = try await admin.defaultStackID()
        let steps = #"{"make":{"spec":{"source":{"module":"steps","attribute":"make","type":"user"},"upstream_steps":[],"invocation_id":"make"},"config":{"name":"make","substitutions":{}},"step_config_overrides":{"name":"make"}}}"#
        return try #require(try await admin.call(.post, "/api/v1/pipeline_snapshots", json: #"{"project":"\#(project)","pipeline":"\#(pipeline)","stack":"\#(stack)","run_name_template":"r","pipeline_configuration":{"name":"race"},"step_configurations":\#(steps)}"#).json["id"]?.stringValue)
    }

    /// Sends `count` requests at once and returns their answers.
    func concurrently(_ count: Int, _ request: @escaping @Sendable (Int) async throws -> APIResponse) async throws -> [APIResponse] {
        try await withThrowingTaskGroup(of: APIResponse.self) { group in
            for i in 0..<count { group.addTask { try await request(i) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test func runIndexesStepAttemptsAndArtifactVersionsAreNeverHandedOutTwice() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            let project = try await admin.defaultProjectID()
            let snapshot = try await snapshot(admin, project: project)
            let runs = try await concurrently(Self.writers) { i in
                try await admin.call(.post, "/api/v1/runs", json: #"{"project":"\#(project)","snapshot":"\#(snapshot)","name":"race-\#(i)","status":"running"}"#)
            }
            #expect(runs.allSatisfy { $0.status == .ok })
            let indexes = runs.compactMap { $0.json.arrayValue?.first?["body"]?["index"]?.intValue }
            #expect(indexes.sorted() == Array(1...Int64(Self.writers)))

            let runID = try #require(runs.first?.json.arrayValue?.first?["id"]?.stringValue)
            let attempts = try await concurrently(Self.writers) { _ in
                try await admin.call(.post, "/api/v1/steps", json: #"{"project":"\#(project)","pipeline_run_id":"\#(runID)","name":"make","status":"failed","start_time":"2026-12-01T10:00:00"}"#)
            }
            #expect(attempts.allSatisfy { $0.status == .ok })
            #expect(attempts.compactMap { $0.json["body"]?["version"]?.intValue }.sorted() == Array(1...Int64(Self.writers)))

            let versions = try await concurrently(Self.writers) { _ in
                try await admin.call(.post, "/api/v1/artifact_versions/batch", json: #"[{"project":"\#(project)","artifact_name":"raced","type":"DataArtifact","uri":"/tmp/raced","materializer":{"module":"m","attribute":"A","type":"internal"},"data_type":{"module":"builtins","attribute":"int","type":"builtin"},"save_type":"step_output"}]"#)
            }
            #expect(versions.allSatisfy { $0.status == .ok })
            let labels = versions.compactMap { $0.json.arrayValue?.first?["body"]?["version"]?.stringValue }
            #expect(labels.compactMap { Int($0) }.sorted() == Array(1...Self.writers))
            #expect(try await admin.call(.get, "/api/v1/artifacts?name=raced").json["total"] == 1)
        }
    }

    @Test func oneOrchestratorRunIsOnePipelineRun() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            let project = try await admin.defaultProjectID()
            let snapshot = try await snapshot(admin, project: project)
            // Every step of a distributed orchestrator reports the run with the same id and name.
            let answers = try await concurrently(Self.writers) { _ in
                try await admin.call(.post, "/api/v1/runs", json: #"{"project":"\#(project)","snapshot":"\#(snapshot)","name":"orchestrated","status":"running","orchestrator_run_id":"orch-7"}"#)
            }
            #expect(answers.allSatisfy { $0.status == .ok }, "\(answers.map(\.text))")
            #expect(Set(answers.compactMap { $0.json.arrayValue?.first?["id"]?.stringValue }).count == 1)
            #expect(answers.filter { $0.json.arrayValue?.last == true }.count == 1)
            #expect(try await admin.call(.get, "/api/v1/runs?orchestrator_run_id=orch-7").json["total"] == 1)
        }
    }

    @Test func oneIdempotencyKeyPerformsItsWriteOnce() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            let project = try await admin.defaultProjectID()
            // Retries of one pipeline creation race each other; a second execution would answer 409.
            let answers = try await concurrently(Self.writers) { _ in
                try await admin.call(.post, "/api/v1/pipelines", json: #"{"project":"\#(project)","name":"once"}"#,
                                     headers: [HTTPField.Name("Idempotency-Key")!: "retry-of-once"])
            }
            #expect(answers.allSatisfy { $0.status == .ok }, "\(answers.map(\.text))")
            #expect(Set(answers.map(\.text)).count == 1)
            #expect(try await admin.call(.get, "/api/v1/pipelines?name=once").json["total"] == 1)

            // A write that failed gives its key back: the corrected retry is performed.
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "bad-then-good"]
            let bad = try await admin.call(.post, "/api/v1/pipelines", json: #"{"project":"nope","name":"later"}"#, headers: key)
            #expect(bad.status.code >= 400 && bad.status.code < 500)
            let good = try await admin.call(.post, "/api/v1/pipelines", json: #"{"project":"\#(project)","name":"later"}"#, headers: key)
            #expect(good.status == .ok)
            // The same key on another path is refused.
            let other = try await admin.call(.post, "/api/v1/tags", json: #"{"name":"x"}"#, headers: key)
            #expect(other.status == .badRequest)
        }
    }

    @Test func takenAccountAndKeyNamesAreTheConstraintsAnswer() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            let accounts = try await concurrently(8) { _ in
                try await admin.call(.post, "/api/v1/service_accounts", json: #"{"name":"bot","active":true}"#)
            }
            #expect(accounts.filter { $0.status == .ok }.count == 1, "\(accounts.map(\.text))")
            #expect(accounts.filter { $0.status == .conflict }.count == 7)
            let keys = try await concurrently(8) { _ in
                try await admin.call(.post, "/api/v1/service_accounts/bot/api_keys", json: #"{"name":"k","description":""}"#)
            }
            #expect(keys.filter { $0.status == .ok }.count == 1, "\(keys.map(\.text))")
            #expect(keys.filter { $0.status == .conflict }.count == 7)
            let renamed = try await admin.call(.put, "/api/v1/users/admin", json: #"{"name":"bot"}"#)
            #expect(renamed.status == .conflict)
        }
    }
}
