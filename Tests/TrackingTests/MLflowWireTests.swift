import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Server
import Testing

/// The MLflow API through HTTP on a live server built as `enclave serve` builds it.
@Suite struct MLflowWireTests {
    struct Answer {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let json: [String: Any]
        var code: String? { json["error_code"] as? String }
    }

    func withTracking(_ test: @escaping @Sendable (_ call: @escaping @Sendable (HTTPRequest.Method, String, String?, String?) async throws -> Answer) async throws -> Void) async throws {
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("enclave-mlflow-\(UUID().uuidString)").path
        configuration.bcryptCost = 4
        defer { try? FileManager.default.removeItem(atPath: configuration.dataDirectory) }
        _ = try await createAdmin(configuration, name: "admin", password: "Adm1n-Passw0rd")
        var logger = Logger(label: "mlflow-test")
        logger.logLevel = .warning
        let app = try await buildApplication(configuration, logger: logger)
        try await app.test(.live) { client in
            try await test { method, path, body, credentials in
                var headers: HTTPFields = [:]
                if let credentials { headers[.authorization] = "Basic " + Data(credentials.utf8).base64EncodedString() }
                if body != nil { headers[.contentType] = "application/json" }
                return try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
                    let json = (try? JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8))) as? [String: Any] ?? [:]
                    return Answer(status: response.status, headers: response.headers, json: json)
                }
            }
        }
    }

    @Test func everyRouteNeedsCredentials() async throws {
        try await withTracking { call in
            for prefix in ["/api/2.0/mlflow", "/ajax-api/2.0/mlflow"] {
                for (method, path) in [(HTTPRequest.Method.post, "experiments/create"), (.get, "experiments/get?experiment_id=0"), (.post, "runs/search"),
                                       (.get, "metrics/get-history?run_id=x&metric_key=y"), (.post, "runs/log-batch")] {
                    let answer = try await call(method, "\(prefix)/\(path)", method == .post ? "{}" : nil, nil)
                    #expect(answer.status == .unauthorized && answer.code == "UNAUTHENTICATED", "\(path)")
                    #expect(answer.headers[.wwwAuthenticate]?.hasPrefix("Basic") == true)
                }
            }
            let wrong = try await call(.get, "/api/2.0/mlflow/experiments/get?experiment_id=0", nil, "admin:wrong")
            #expect(wrong.status == .unauthorized)
        }
    }

    @Test func errorsAreMLflowsCodesAndStatuses() async throws {
        try await withTracking { call in
            let admin = "admin:Adm1n-Passw0rd"
            let created = try await call(.post, "/api/2.0/mlflow/experiments/create", #"{"name": "exp"}"#, admin)
            #expect(created.status == .ok && created.json["experiment_id"] as? String == "1")
            let duplicate = try await call(.post, "/api/2.0/mlflow/experiments/create", #"{"name": "exp"}"#, admin)
            #expect(duplicate.status == .badRequest && duplicate.code == "RESOURCE_ALREADY_EXISTS")
            let missing = try await call(.get, "/api/2.0/mlflow/experiments/get-by-name?experiment_name=nope", nil, admin)
            #expect(missing.status == .notFound && missing.code == "RESOURCE_DOES_NOT_EXIST")
            for body in ["{", "[]", #"{"name": 5}"#, #"{"name": ""}"#, #"{"name": "x", "artifact_location": "file:///etc"}"#,
                         #"{"name": "y", "artifact_location": "mlflow-artifacts:/1/other"}"#] {
                let bad = try await call(.post, "/api/2.0/mlflow/experiments/create", body, admin)
                #expect(bad.status == .badRequest && bad.code == "INVALID_PARAMETER_VALUE", "\(body)")
            }

            let run = try await call(.post, "/api/2.0/mlflow/runs/create", #"{"experiment_id": "1", "start_time": 5}"#, admin)
            let info = (run.json["run"] as? [String: Any])?["info"] as? [String: Any] ?? [:]
            let id = info["run_id"] as? String ?? ""
            #expect(info["artifact_uri"] as? String == "mlflow-artifacts:/1/\(id)/artifacts" && info["status"] as? String == "RUNNING")
            #expect(try await call(.post, "/api/2.0/mlflow/runs/log-parameter", #"{"run_id": "\#(id)", "key": "lr", "value": "0.1"}"#, admin).status == .ok)
            let changed = try await call(.post, "/api/2.0/mlflow/runs/log-parameter", #"{"run_id": "\#(id)", "key": "lr", "value": "0.2"}"#, admin)
            #expect(changed.status == .badRequest && changed.code == "INVALID_PARAMETER_VALUE")
            let traversal = try await call(.post, "/api/2.0/mlflow/runs/log-metric", #"{"run_id": "\#(id)", "key": "../bad", "value": 1, "timestamp": 1}"#, admin)
            #expect(traversal.code == "INVALID_PARAMETER_VALUE")
            let huge = String(repeating: "x", count: 10 << 20)
            let big = try await call(.post, "/api/2.0/mlflow/runs/log-parameter", #"{"run_id": "\#(id)", "key": "big", "value": "\#(huge)"}"#, admin)
            #expect(big.status.code >= 400 && big.status.code < 500 && big.code != nil)
            let metrics = (0..<1001).map { #"{"key": "m", "value": \#($0), "timestamp": 1, "step": \#($0)}"# }.joined(separator: ",")
            let tooMany = try await call(.post, "/api/2.0/mlflow/runs/log-batch", #"{"run_id": "\#(id)", "metrics": [\#(metrics)]}"#, admin)
            #expect(tooMany.status == .badRequest && tooMany.code == "INVALID_PARAMETER_VALUE")

            // The latest value is the highest step, whatever order the values arrive in.
            for (step, value) in [(3, 30.0), (1, 10.0), (2, 20.0)] {
                _ = try await call(.post, "/api/2.0/mlflow/runs/log-metric", #"{"run_id": "\#(id)", "key": "loss", "value": \#(value), "timestamp": 1, "step": \#(step)}"#, admin)
            }
            let fetched = try await call(.get, "/api/2.0/mlflow/runs/get?run_id=\(id)", nil, admin)
            let data = (fetched.json["run"] as? [String: Any])?["data"] as? [String: Any] ?? [:]
            let latest = (data["metrics"] as? [[String: Any]])?.first { $0["key"] as? String == "loss" }
            #expect(latest?["value"] as? Double == 30.0 && latest?["step"] as? Int == 3)
            let history = try await call(.get, "/api/2.0/mlflow/metrics/get-history?run_id=\(id)&metric_key=loss&max_results=2", nil, admin)
            #expect((history.json["metrics"] as? [[String: Any]])?.map { $0["step"] as? Int } == [1, 2] && history.json["next_page_token"] != nil)
            let unknownRun = try await call(.post, "/api/2.0/mlflow/runs/log-metric", #"{"run_id": "ffffffffffffffffffffffffffffffff", "key": "m", "value": 1, "timestamp": 1}"#, admin)
            #expect(unknownRun.status == .notFound && unknownRun.code == "RESOURCE_DOES_NOT_EXIST")
        }
    }
}
