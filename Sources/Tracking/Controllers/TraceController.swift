import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// MLflow 3 traces: the trace record (`/api/3.0/mlflow/traces`), spans over OTLP
/// (`POST /v1/traces`, protobuf), reading them back with their spans, search, tags and
/// deletion. Record and spans arrive in either order and are merged.
struct TraceController<Context: TrackingRequestContext> {
    let traces: any TraceRepository
    let experiments: any ExperimentRepository
    let maxBodyBytes: Int
    static var maximumValueLength: Int { 100_000 }

    func addV3Routes(to group: RouterGroup<Context>) {
        group.post("traces", use: start)
        group.post("traces/search", use: search)
        group.get("traces/batchGet", use: batchGet)
        group.get("traces/get", use: getWithSpans)
        group.get("traces/{trace_id}", use: getInfo)
        addSharedRoutes(to: group)
    }

    /// Routes served under both `/api/2.0/mlflow` and `/api/3.0/mlflow`.
    func addSharedRoutes(to group: RouterGroup<Context>) {
        group.post("traces/delete-traces", use: delete)
        group.patch("traces/{trace_id}/tags", use: setTag)
        group.delete("traces/{trace_id}/tags", use: deleteTag)
    }

    func addOTLPRoute(to group: RouterGroup<Context>) {
        group.post("traces", use: receiveSpans)
    }

    func fields(_ request: Request) async throws -> MLflowRequest { try await MLflowRequest.read(request, limit: maxBodyBytes) }

    /// A `{key: value}` object of strings, such as a trace's metadata or tags.
    static func stringMap(_ value: Any?, _ name: String) throws -> [KeyValue] {
        guard let value, !MLflowRequest.isNull(value) else { return [] }
        guard let object = value as? [String: Any] else { throw TrackingError.invalidParameter("'\(name)' must be an object of strings") }
        return try object.keys.sorted().map { key in
            guard let text = object[key] as? String else { throw TrackingError.invalidParameter("'\(name).\(TrackingRules.printable(key))' must be a string") }
            return KeyValue(key: try TrackingRules.key(key, "trace \(name)"), value: try bounded(text, "\(name).\(key)"))
        }
    }

    static func bounded(_ text: String, _ what: String) throws -> String {
        guard text.utf8.count <= maximumValueLength else {
            throw TrackingError.invalidParameter("'\(TrackingRules.printable(what))' is longer than \(maximumValueLength) bytes")
        }
        return text
    }

    /// The experiment of a `trace_location` (`{type: MLFLOW_EXPERIMENT, mlflow_experiment: {experiment_id}}`).
    static func experimentID(location: Any?) throws -> Int64 {
        guard let location = location as? [String: Any], let experiment = location["mlflow_experiment"] as? [String: Any],
              let id = experiment["experiment_id"] as? String else {
            throw TrackingError.invalidParameter("Missing value for required parameter 'trace_location.mlflow_experiment.experiment_id'.")
        }
        return try TrackingRules.experimentID(id)
    }

    func start(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        guard let trace = fields.values["trace"] as? [String: Any], let object = trace["trace_info"] as? [String: Any] else {
            throw fields.missing("trace.trace_info")
        }
        let info = MLflowRequest(values: object)
        let experimentID = try Self.experimentID(location: object["trace_location"])
        guard let experiment = try await experiments.experiment(id: experimentID) else {
            throw TrackingError.notFound("No Experiment with id=\(experimentID) exists")
        }
        let id = try TrackingRules.traceID(try info.requiredString("trace_id"))
        let state = try info.string("state") ?? "OK"
        guard TraceInfo.states.contains(state) else { throw TrackingError.invalidParameter("Invalid trace state '\(TrackingRules.printable(state))'") }
        var record = TraceInfo(traceID: id, experimentID: experimentID,
                               requestTime: try ProtoTime.milliseconds(fromTimestamp: try info.requiredString("request_time")),
                               executionDuration: try info.string("execution_duration").map(ProtoTime.milliseconds(fromDuration:)),
                               state: state, requestPreview: try info.string("request_preview").map { try Self.bounded($0, "request_preview") },
                               responsePreview: try info.string("response_preview").map { try Self.bounded($0, "response_preview") },
                               clientRequestID: try info.string("client_request_id").map { try TrackingRules.name($0, "client request id") })
        record.metadata = try Self.stringMap(object["trace_metadata"], "trace_metadata") + [KeyValue(key: "mlflow.trace.infoFinalized", value: "true")]
        record.tags = try Self.stringMap(object["tags"], "tags")
            + [KeyValue(key: TraceInfo.artifactLocationTag, value: "\(experiment.artifactLocation)/traces/\(id)/artifacts")]
        let stored = try await traces.start(record)
        return try MLflowWire.response(["trace": ["trace_info": MLflowWire.traceInfo(stored)]])
    }

    /// OTLP/HTTP export: protobuf spans, the experiment in `X-Mlflow-Experiment-Id`.
    func receiveSpans(_ request: Request, context: Context) async throws -> Response {
        guard let type = request.headers[.contentType], type.lowercased().hasPrefix("application/x-protobuf") else {
            throw TrackingError.invalidParameter("OTLP spans must be sent as application/x-protobuf")
        }
        let experimentID = try request.headers[HTTPField.Name("X-Mlflow-Experiment-Id")!].map(TrackingRules.experimentID)
        let body = try await request.body.collect(upTo: maxBodyBytes)
        let spans = try OTLPSpans.decode(Array(body.readableBytesView))
        try await traces.addSpans(spans, experimentID: experimentID)
        return Response(status: .ok, headers: [.contentType: "application/x-protobuf", .contentLength: "0"])
    }

    func search(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        var ids = try fields.strings("experiment_ids").map(TrackingRules.experimentID)
        if let locations = fields.values["locations"] as? [Any] {
            ids += try locations.map { try Self.experimentID(location: $0) }
        }
        let filter = try SearchFilter(try fields.string("filter") ?? "", attributes: .traces)
        let order = try SearchOrder.parse(try fields.strings("order_by"), attributes: .traces)
        let limit = try TrackingRules.maxResults(try fields.int64("max_results"), fallback: 100, limit: 500)
        let offset = try MLflowWire.offset(fromPageToken: try fields.string("page_token"))
        let found = try await traces.traces(experimentIDs: ids, filter: filter, order: order, offset: offset, limit: limit + 1)
        return try MLflowWire.response(MLflowWire.page(found, key: "traces", limit: limit, offset: offset) { MLflowWire.traceInfo($0) })
    }

    func trace(_ id: String) async throws -> TraceInfo {
        guard let info = try await traces.trace(id: id) else { throw TrackingError.notFound("Trace with id=\(id) not found") }
        return info
    }

    func getInfo(_ request: Request, context: Context) async throws -> Response {
        let info = try await trace(try TrackingRules.traceID(try context.parameters.require("trace_id")))
        return try MLflowWire.response(["trace": ["trace_info": MLflowWire.traceInfo(info)]])
    }

    func getWithSpans(_ request: Request, context: Context) async throws -> Response {
        let info = try await trace(try TrackingRules.traceID(try fields(request).requiredString("trace_id")))
        let spans = try await traces.spans(traceIDs: [info.traceID])[info.traceID] ?? []
        return try MLflowWire.response(["trace": MLflowWire.trace(info, spans: spans)])
    }

    func batchGet(_ request: Request, context: Context) async throws -> Response {
        let ids = try (try await fields(request)).strings("trace_ids").map(TrackingRules.traceID)
        guard ids.count <= 100 else { throw TrackingError.invalidParameter("At most 100 trace ids can be fetched at once") }
        var found: [[String: Any]] = []
        let spans = try await traces.spans(traceIDs: ids)
        for id in ids {
            if let info = try await traces.trace(id: id) { found.append(MLflowWire.trace(info, spans: spans[id] ?? [])) }
        }
        return try MLflowWire.response(found.isEmpty ? [:] : ["traces": found])
    }

    func setTag(_ request: Request, context: Context) async throws -> Response {
        let id = try TrackingRules.traceID(try context.parameters.require("trace_id"))
        let fields = try await fields(request)
        let key = try TrackingRules.key(try fields.requiredString("key"), "tag")
        try await traces.setTag(id: id, KeyValue(key: key, value: try Self.bounded(try fields.string("value") ?? "", key)))
        return try MLflowWire.response([:])
    }

    func deleteTag(_ request: Request, context: Context) async throws -> Response {
        let id = try TrackingRules.traceID(try context.parameters.require("trace_id"))
        let fields = try await fields(request)
        let key = try fields.string("key") ?? (try MLflowRequest.formFields(request.uri.query ?? "").last { $0.0 == "key" }?.1)
        guard let key, !key.isEmpty else { throw fields.missing("key") }
        try await traces.deleteTag(id: id, key: key)
        return try MLflowWire.response([:])
    }

    func delete(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        let experimentID = try TrackingRules.experimentID(try fields.requiredString("experiment_id"))
        let ids = try fields.strings("request_ids").map(TrackingRules.traceID) + fields.strings("trace_ids").map(TrackingRules.traceID)
        let before = try fields.int64("max_timestamp_millis")
        guard !ids.isEmpty || before != nil else {
            throw TrackingError.invalidParameter("Either `max_timestamp_millis` or `request_ids` must be specified.")
        }
        let limit = try fields.int64("max_traces").map { Int(clamping: $0) }
        let count = try await traces.delete(experimentID: experimentID, ids: ids, before: before, limit: limit)
        return try MLflowWire.response(["traces_deleted": count])
    }
}
