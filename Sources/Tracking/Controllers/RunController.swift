import Foundation
import Hummingbird

/// `runs/*` and `metrics/get-history`: create, read, update, delete and restore runs, log
/// params, metrics and tags, search runs, read a metric's history.
struct RunController<Context: TrackingRequestContext> {
    let runs: any RunRepository
    let experiments: any ExperimentRepository
    let maxBodyBytes: Int
    static var maximumBatchMetrics: Int { 1000 }
    static var maximumBatchParams: Int { 100 }
    static var maximumBatchTags: Int { 100 }
    static var historyPage: Int { 25_000 }

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("runs/create", use: create)
        group.get("runs/get", use: get)
        group.post("runs/update", use: update)
        group.post("runs/delete", use: delete)
        group.post("runs/restore", use: restore)
        group.post("runs/log-parameter", use: logParameter)
        group.post("runs/log-metric", use: logMetric)
        group.post("runs/log-batch", use: logBatch)
        group.post("runs/set-tag", use: setTag)
        group.post("runs/delete-tag", use: deleteTag)
        group.post("runs/search", use: search)
        group.get("metrics/get-history", use: history)
        group.get("metrics/get-history-bulk-interval", use: historyBulkInterval)
        group.get("metrics/get-history-bulk", use: historyBulk)
        group.post("runs/log-inputs", use: logInputs)
        group.post("runs/outputs", use: logOutputs)
    }

    func logInputs(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        let datasets = try fields.objects("datasets").map { input -> DatasetInput in
            guard let object = input.values["dataset"] as? [String: Any] else { throw input.missing("dataset") }
            let dataset = MLflowRequest(values: object)
            // MLflow's own bounds for a dataset's source, schema and profile.
            let limited = { (key: String, maximum: Int) throws -> String? in
                try dataset.string(key).map { text in
                    guard text.utf8.count <= maximum else { throw TrackingError.invalidParameter("Dataset \(key) is longer than \(maximum) bytes") }
                    return text
                }
            }
            return DatasetInput(dataset: Dataset(name: try TrackingRules.name(try dataset.requiredString("name"), "dataset"),
                                                 digest: try TrackingRules.name(try dataset.requiredString("digest"), "dataset digest"),
                                                 sourceType: try TrackingRules.name(try dataset.requiredString("source_type"), "dataset source type"),
                                                 source: try limited("source", 65_535) ?? "", schema: try limited("schema", 1_048_575),
                                                 profile: try limited("profile", 16_384)),
                                tags: try input.keyValues("tags").map { KeyValue(key: try TrackingRules.key($0.key, "input tag"), value: try TrackingRules.value($0.value, "Input tag", key: $0.key)) })
        }
        let models = try fields.objects("models").map { try TrackingRules.modelID(try $0.requiredString("model_id")) }
        try await runs.logInputs(runID: try runID(fields), datasets: datasets, models: models)
        return try MLflowWire.response([:])
    }

    func logOutputs(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        let models = try fields.objects("models").map { ModelOutput(modelID: try TrackingRules.modelID(try $0.requiredString("model_id")), step: try $0.int64("step") ?? 0) }
        try await runs.logOutputs(runID: try runID(fields), models: models)
        return try MLflowWire.response([:])
    }

    func fields(_ request: Request) async throws -> MLflowRequest { try await MLflowRequest.read(request, limit: maxBodyBytes) }

    /// The run id of a request: `run_id`, or the legacy `run_uuid`.
    func runID(_ fields: MLflowRequest) throws -> String {
        guard let id = try fields.string("run_id").flatMap({ $0.isEmpty ? nil : $0 }) ?? fields.string("run_uuid"), !id.isEmpty else {
            throw fields.missing("run_id")
        }
        return try TrackingRules.runID(id)
    }

    func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        let experimentID = try TrackingRules.experimentID(try fields.string("experiment_id") ?? "0")
        guard let experiment = try await experiments.experiment(id: experimentID) else {
            throw TrackingError.notFound("No Experiment with id=\(experimentID) exists")
        }
        var tags = try fields.keyValues("tags").map { KeyValue(key: try TrackingRules.key($0.key, "tag"), value: try TrackingRules.value($0.value, "Tag", key: $0.key)) }
        let tagged = tags.last { $0.key == SQLiteRunRepository.nameTag }?.value
        let name = try TrackingRules.name(try fields.string("run_name").flatMap { $0.isEmpty ? nil : $0 } ?? tagged ?? TrackingRules.randomRunName(), "run")
        if tagged != name { tags.removeAll { $0.key == SQLiteRunRepository.nameTag }; tags.append(KeyValue(key: SQLiteRunRepository.nameTag, value: name)) }
        let runID = TrackingRules.newID()
        let user = try fields.string("user_id").flatMap { $0.isEmpty ? nil : $0 } ?? context.principal?.name ?? ""
        let info = RunInfo(runID: runID, experimentID: experimentID, name: name, userID: try TrackingRules.name(user, "user"), status: "RUNNING",
                           startTime: try fields.int64("start_time") ?? TrackingRules.now(), endTime: nil,
                           artifactURI: "\(experiment.artifactLocation)/\(runID)/artifacts", lifecycleStage: "active")
        try await runs.create(info, tags: tags)
        guard let run = try await runs.run(id: runID) else { throw TrackingError.notFound("Run with id=\(runID) not found") }
        return try MLflowWire.response(["run": MLflowWire.run(run)])
    }

    func get(_ request: Request, context: Context) async throws -> Response {
        let id = try runID(try await fields(request))
        guard let run = try await runs.run(id: id) else { throw TrackingError.notFound("Run with id=\(id) not found") }
        return try MLflowWire.response(["run": MLflowWire.run(run)])
    }

    func update(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        let id = try runID(fields)
        let status = try fields.string("status")
        if let status, !TrackingRules.statuses.contains(status) {
            throw TrackingError.invalidParameter("Invalid run status '\(TrackingRules.printable(status))'")
        }
        let name = try fields.string("run_name").flatMap { $0.isEmpty ? nil : $0 }.map { try TrackingRules.name($0, "run") }
        guard let info = try await runs.update(id: id, status: status, endTime: try fields.int64("end_time"), name: name) else {
            throw TrackingError.notFound("Run with id=\(id) not found")
        }
        return try MLflowWire.response(["run_info": MLflowWire.runInfo(info)])
    }

    func delete(_ request: Request, context: Context) async throws -> Response { try await setStage(request, "deleted") }
    func restore(_ request: Request, context: Context) async throws -> Response { try await setStage(request, "active") }

    func setStage(_ request: Request, _ stage: String) async throws -> Response {
        let id = try runID(try await fields(request))
        guard try await runs.setLifecycle(id: id, stage: stage) else { throw TrackingError.notFound("Run with id=\(id) not found") }
        return try MLflowWire.response([:])
    }

    func logParameter(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        let param = try Self.param(fields)
        try await runs.log(runID: try runID(fields), metrics: [], params: [param], tags: [])
        return try MLflowWire.response([:])
    }

    func logMetric(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        try await runs.log(runID: try runID(fields), metrics: [try Self.metric(fields)], params: [], tags: [])
        return try MLflowWire.response([:])
    }

    func logBatch(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        let id = try runID(fields)
        let metrics = try fields.objects("metrics"), params = try fields.objects("params"), tags = try fields.objects("tags")
        guard metrics.count <= Self.maximumBatchMetrics, params.count <= Self.maximumBatchParams, tags.count <= Self.maximumBatchTags else {
            throw TrackingError.invalidParameter("A batch logging request can contain at most \(Self.maximumBatchMetrics) metrics, \(Self.maximumBatchParams) params and \(Self.maximumBatchTags) tags. Got \(metrics.count) metrics, \(params.count) params, and \(tags.count) tags.")
        }
        let parsedParams = try params.map(Self.param)
        var seen: [String: String] = [:]
        for param in parsedParams {
            if let earlier = seen.updateValue(param.value, forKey: param.key), earlier != param.value {
                throw TrackingError.invalidParameter("Duplicate parameter keys have been submitted: ['\(param.key)'].")
            }
        }
        try await runs.log(runID: id, metrics: try metrics.map(Self.metric), params: parsedParams, tags: try tags.map(Self.tag))
        return try MLflowWire.response([:])
    }

    func setTag(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        try await runs.log(runID: try runID(fields), metrics: [], params: [], tags: [try Self.tag(fields)])
        return try MLflowWire.response([:])
    }

    func deleteTag(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        try await runs.deleteTag(runID: try runID(fields), key: try fields.requiredString("key"))
        return try MLflowWire.response([:])
    }

    func search(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        let filter = try SearchFilter(try fields.string("filter") ?? "", attributes: .runs)
        let order = try SearchOrder.parse(try fields.strings("order_by"), attributes: .runs)
        let ids = try fields.strings("experiment_ids").map(TrackingRules.experimentID)
        let limit = try TrackingRules.maxResults(try fields.int64("max_results"), fallback: 1000, limit: 50000)
        let offset = try MLflowWire.offset(fromPageToken: try fields.string("page_token"))
        let found = try await runs.runs(experimentIDs: ids, view: try TrackingRules.viewType(try fields.string("run_view_type")),
                                         filter: filter, order: order, offset: offset, limit: limit + 1)
        return try MLflowWire.response(MLflowWire.page(found, key: "runs", limit: limit, offset: offset) { MLflowWire.run($0) })
    }

    func history(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        let id = try runID(fields)
        let key = try fields.requiredString("metric_key")
        let limit = try TrackingRules.maxResults(try fields.int64("max_results"), fallback: Self.historyPage, limit: Self.historyPage)
        let offset = try MLflowWire.offset(fromPageToken: try fields.string("page_token"))
        let found = try await runs.metricHistory(runID: id, key: key, offset: offset, limit: limit + 1)
        return try MLflowWire.response(MLflowWire.page(found, key: "metrics", limit: limit, offset: offset) { MLflowWire.metric($0) })
    }

    /// What the UI's charts read: up to 100 runs' values of one metric between two steps,
    /// sampled to at most `max_results` steps per run (the first and last always kept).
    func historyBulkInterval(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        let runIDs = try fields.strings("run_ids").map(TrackingRules.runID)
        guard !runIDs.isEmpty, runIDs.count <= 100 else { throw TrackingError.invalidParameter("GetMetricHistoryBulkInterval request takes 1 to 100 run_ids") }
        let key = try fields.requiredString("metric_key")
        let start = try fields.int64("start_step"), end = try fields.int64("end_step")
        guard (start == nil) == (end == nil) else { throw TrackingError.invalidParameter("If either start step or end step are specified, both must be specified.") }
        guard (start ?? 0) <= (end ?? 0) else { throw TrackingError.invalidParameter("end_step must be greater than start_step.") }
        let limit = try TrackingRules.maxResults(try fields.int64("max_results"), fallback: 320, limit: 1000)
        var metrics: [[String: Any]] = []
        for id in runIDs {
            guard try await runs.run(id: id) != nil else { throw TrackingError.notFound("Run with id=\(id) not found") }
            let steps = try await runs.metricSteps(runID: id, key: key, within: (start ?? Int64.min)...(end ?? Int64.max))
            metrics += try await runs.metricValues(runID: id, key: key, atSteps: Self.sample(steps, limit)).map { MLflowWire.metric($0) }
        }
        return try MLflowWire.response(metrics.isEmpty ? [:] : ["metrics": metrics])
    }

    /// Evenly spaced steps, at most `limit`, keeping the first and the last.
    static func sample(_ steps: [Int64], _ limit: Int) -> [Int64] {
        guard steps.count > limit, limit > 1 else { return Array(steps.prefix(max(limit, 1))) }
        let span = Double(steps.count - 1) / Double(limit - 1)
        return Array(Set((0..<limit).map { steps[Int((Double($0) * span).rounded())] })).sorted()
    }

    /// The whole history of one metric for several runs (the UI's older chart endpoint).
    func historyBulk(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        let runIDs = try fields.strings("run_id").map(TrackingRules.runID)
        guard !runIDs.isEmpty, runIDs.count <= 100 else { throw TrackingError.invalidParameter("GetMetricHistoryBulk request takes 1 to 100 run ids") }
        let key = try fields.requiredString("metric_key")
        let limit = try TrackingRules.maxResults(try fields.int64("max_results"), fallback: Self.historyPage, limit: Self.historyPage)
        var metrics: [[String: Any]] = []
        for id in runIDs {
            for var metric in try await runs.metricHistory(runID: id, key: key, offset: 0, limit: limit) {
                metric.runID = id
                metrics.append(MLflowWire.metric(metric))
            }
        }
        return try MLflowWire.response(metrics.isEmpty ? [:] : ["metrics": metrics])
    }

    static func param(_ fields: MLflowRequest) throws -> KeyValue {
        let key = try TrackingRules.key(try fields.requiredString("key"), "param")
        guard let value = try fields.string("value") else { throw fields.missing("value") }
        return KeyValue(key: key, value: try TrackingRules.value(value, "Param", key: key))
    }

    static func tag(_ fields: MLflowRequest) throws -> KeyValue {
        let key = try TrackingRules.key(try fields.requiredString("key"), "tag")
        return KeyValue(key: key, value: try TrackingRules.value(try fields.string("value") ?? "", "Tag", key: key))
    }

    static func metric(_ fields: MLflowRequest) throws -> Metric {
        let key = try TrackingRules.key(try fields.requiredString("key"), "metric")
        guard let value = try fields.double("value") else { throw fields.missing("value") }
        guard let timestamp = try fields.int64("timestamp") else { throw fields.missing("timestamp") }
        var metric = Metric(key: key, value: value, timestamp: timestamp, step: try fields.int64("step") ?? 0)
        metric.modelID = try fields.string("model_id").flatMap { $0.isEmpty ? nil : try TrackingRules.modelID($0) }
        metric.datasetName = try fields.string("dataset_name").flatMap { $0.isEmpty ? nil : try TrackingRules.name($0, "dataset") }
        metric.datasetDigest = try fields.string("dataset_digest").flatMap { $0.isEmpty ? nil : try TrackingRules.name($0, "dataset digest") }
        return metric
    }
}
