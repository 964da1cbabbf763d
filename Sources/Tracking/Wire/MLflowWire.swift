import Foundation
import Hummingbird

/// MLflow's JSON shapes for what the repositories return, and the response itself
/// (compact JSON; empty lists left out, as MLflow's protobuf rendering leaves them out).
enum MLflowWire {
    static func experiment(_ e: Experiment) -> [String: Any] {
        var object: [String: Any] = ["experiment_id": String(e.id), "name": e.name, "artifact_location": e.artifactLocation,
                                     "lifecycle_stage": e.lifecycleStage, "creation_time": e.creationTime, "last_update_time": e.lastUpdateTime]
        if !e.tags.isEmpty { object["tags"] = e.tags.map { pair($0) } }
        return object
    }

    static func runInfo(_ info: RunInfo) -> [String: Any] {
        var object: [String: Any] = ["run_id": info.runID, "run_uuid": info.runID, "experiment_id": String(info.experimentID), "run_name": info.name,
                                     "user_id": info.userID, "status": info.status, "artifact_uri": info.artifactURI, "lifecycle_stage": info.lifecycleStage]
        if let start = info.startTime { object["start_time"] = start }
        if let end = info.endTime { object["end_time"] = end }
        return object
    }

    static func run(_ run: Run) -> [String: Any] {
        var data: [String: Any] = [:]
        if !run.metrics.isEmpty { data["metrics"] = run.metrics.map { metric($0) } }
        if !run.params.isEmpty { data["params"] = run.params.map { pair($0) } }
        if !run.tags.isEmpty { data["tags"] = run.tags.map { pair($0) } }
        var inputs: [String: Any] = [:]
        if !run.datasetInputs.isEmpty { inputs["dataset_inputs"] = run.datasetInputs.map { datasetInput($0) } }
        if !run.modelInputs.isEmpty { inputs["model_inputs"] = run.modelInputs.map { ["model_id": $0] } }
        var outputs: [String: Any] = [:]
        if !run.modelOutputs.isEmpty { outputs["model_outputs"] = run.modelOutputs.map { ["model_id": $0.modelID, "step": $0.step] } }
        return ["info": runInfo(run.info), "data": data, "inputs": inputs, "outputs": outputs]
    }

    static func datasetInput(_ input: DatasetInput) -> [String: Any] {
        var dataset: [String: Any] = ["name": input.dataset.name, "digest": input.dataset.digest, "source_type": input.dataset.sourceType,
                                      "source": input.dataset.source]
        if let schema = input.dataset.schema { dataset["schema"] = schema }
        if let profile = input.dataset.profile { dataset["profile"] = profile }
        var object: [String: Any] = ["dataset": dataset]
        if !input.tags.isEmpty { object["tags"] = input.tags.map { pair($0) } }
        return object
    }

    static func registeredModel(_ model: RegisteredModel) -> [String: Any] {
        var object: [String: Any] = ["name": model.name, "creation_timestamp": model.creationTimestamp,
                                     "last_updated_timestamp": model.lastUpdatedTimestamp]
        if let description = model.description, !description.isEmpty { object["description"] = description }
        if !model.latestVersions.isEmpty { object["latest_versions"] = model.latestVersions.map { modelVersion($0) } }
        if !model.tags.isEmpty { object["tags"] = model.tags.map { pair($0) } }
        if !model.aliases.isEmpty { object["aliases"] = model.aliases.map { ["alias": $0.0, "version": String($0.1)] } }
        return object
    }

    static func modelVersion(_ version: ModelVersion) -> [String: Any] {
        var object: [String: Any] = ["name": version.name, "version": String(version.version), "creation_timestamp": version.creationTimestamp,
                                     "last_updated_timestamp": version.lastUpdatedTimestamp, "current_stage": version.currentStage,
                                     "description": version.description ?? "", "source": version.source, "status": version.status,
                                     "run_link": version.runLink ?? ""]
        if let run = version.runID, !run.isEmpty { object["run_id"] = run }
        if let user = version.userID, !user.isEmpty { object["user_id"] = user }
        if let model = version.modelID { object["model_id"] = model }
        if !version.tags.isEmpty { object["tags"] = version.tags.map { pair($0) } }
        if !version.aliases.isEmpty { object["aliases"] = version.aliases }
        return object
    }

    static func traceInfo(_ info: TraceInfo) -> [String: Any] {
        var object: [String: Any] = [
            "trace_id": info.traceID, "request_time": ProtoTime.timestamp(fromMilliseconds: info.requestTime), "state": info.state,
            "trace_location": ["type": "MLFLOW_EXPERIMENT", "mlflow_experiment": ["experiment_id": String(info.experimentID)]],
            "trace_metadata": Dictionary(info.metadata.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 }),
            "tags": Dictionary(info.tags.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 }),
        ]
        if let duration = info.executionDuration { object["execution_duration"] = ProtoTime.duration(fromMilliseconds: duration) }
        if let preview = info.requestPreview { object["request_preview"] = preview }
        if let preview = info.responsePreview { object["response_preview"] = preview }
        if let id = info.clientRequestID { object["client_request_id"] = id }
        return object
    }

    /// A trace with its spans (each stored as OpenTelemetry JSON).
    static func trace(_ info: TraceInfo, spans: [ReceivedSpan]) -> [String: Any] {
        ["trace_info": traceInfo(info), "spans": spans.map { JSONWriter.RawJSON(text: $0.content) as Any }]
    }

    static func loggedModel(_ model: LoggedModel) -> [String: Any] {
        var info: [String: Any] = [
            "model_id": model.id, "experiment_id": String(model.experimentID), "name": model.name,
            "creation_timestamp_ms": model.creationTimestamp, "last_updated_timestamp_ms": model.lastUpdatedTimestamp,
            "artifact_uri": model.artifactLocation, "status": model.status, "model_type": model.modelType, "source_run_id": model.sourceRunID,
        ]
        if let message = model.statusMessage { info["status_message"] = message }
        if !model.tags.isEmpty { info["tags"] = model.tags.map { pair($0) } }
        if !model.params.isEmpty { info["params"] = model.params.map { pair($0) } }
        var data: [String: Any] = [:]
        if !model.metrics.isEmpty { data["metrics"] = model.metrics.map { metric($0) } }
        return ["info": info, "data": data]
    }

    /// A metric; NaN and infinities travel as strings, since JSON has no literal for them.
    static func metric(_ m: Metric) -> [String: Any] {
        let value: Any
        if m.value.isNaN {
            value = "NaN"
        } else if m.value.isInfinite {
            value = m.value > 0 ? "Infinity" : "-Infinity"
        } else {
            value = m.value
        }
        var object: [String: Any] = ["key": m.key, "value": value, "timestamp": m.timestamp, "step": m.step]
        if let model = m.modelID { object["model_id"] = model }
        if let name = m.datasetName { object["dataset_name"] = name }
        if let digest = m.datasetDigest { object["dataset_digest"] = digest }
        if let run = m.runID { object["run_id"] = run }
        return object
    }

    static func pair(_ kv: KeyValue) -> [String: Any] { ["key": kv.key, "value": kv.value] }

    /// A 200 with `object` as compact JSON.
    static func response(_ object: [String: Any]) throws -> Response {
        let bytes = try JSONWriter.bytes(object)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// One page of a listing fetched with `limit + 1` rows: the first `limit` under `key`
    /// (left out when empty) and `next_page_token` when there was one more.
    static func page<Item>(_ found: [Item], key: String, limit: Int, offset: Int, render: (Item) -> [String: Any]) -> [String: Any] {
        var object: [String: Any] = [:]
        if !found.isEmpty { object[key] = found.prefix(limit).map(render) }
        if found.count > limit { object["next_page_token"] = pageToken(offset: offset + limit) }
        return object
    }

    /// MLflow's page token (an opaque offset) and its reading: a bad one is INVALID_PARAMETER_VALUE.
    static func pageToken(offset: Int) -> String { Data("{\"offset\": \(offset)}".utf8).base64EncodedString() }

    static func offset(fromPageToken token: String?) throws -> Int {
        guard let token, !token.isEmpty else { return 0 }
        guard let data = Data(base64Encoded: token), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let offset = object["offset"] as? Int, offset >= 0, offset <= 1_000_000_000 else {
            throw TrackingError.invalidParameter("Invalid page token, could not base64-decode")
        }
        return offset
    }
}
