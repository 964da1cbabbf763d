import Foundation
import Hummingbird

/// `logged-models/*`: MLflow 3's logged models — created before their files are uploaded,
/// finalized after, tagged, searched (the client also searches them by name to resolve
/// `runs:/<run>/<name>` URIs).
struct LoggedModelController<Context: TrackingRequestContext> {
    let models: any LoggedModelRepository
    let experiments: any ExperimentRepository
    let maxBodyBytes: Int

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("logged-models", use: create)
        group.post("logged-models/search", use: search)
        group.get("logged-models/{model_id}", use: get)
        group.patch("logged-models/{model_id}", use: finalize)
        group.delete("logged-models/{model_id}", use: delete)
        group.patch("logged-models/{model_id}/tags", use: setTags)
        group.delete("logged-models/{model_id}/tags/{tag_key}", use: deleteTag)
        group.post("logged-models/{model_id}/params", use: logParams)
    }

    func fields(_ request: Request) async throws -> MLflowRequest { try await MLflowRequest.read(request, limit: maxBodyBytes) }

    func modelID(_ context: Context) throws -> String { try TrackingRules.modelID(try context.parameters.require("model_id")) }

    func response(_ model: LoggedModel?, id: String) throws -> Response {
        guard let model else { throw TrackingError.notFound("Logged model with ID '\(id)' not found.") }
        return try MLflowWire.response(["model": MLflowWire.loggedModel(model)])
    }

    func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        let experimentID = try TrackingRules.experimentID(try fields.requiredString("experiment_id"))
        guard let experiment = try await experiments.experiment(id: experimentID) else {
            throw TrackingError.notFound("No Experiment with id=\(experimentID) exists")
        }
        let id = "m-" + TrackingRules.newID()
        let now = TrackingRules.now()
        let name = try fields.string("name").flatMap { $0.isEmpty ? nil : $0 } ?? TrackingRules.randomRunName()
        var model = LoggedModel(id: id, experimentID: experimentID, name: try TrackingRules.name(name, "model"),
                                artifactLocation: "\(experiment.artifactLocation)/models/\(id)/artifacts", creationTimestamp: now,
                                lastUpdatedTimestamp: now, status: "LOGGED_MODEL_PENDING", statusMessage: nil,
                                modelType: try TrackingRules.name(try fields.string("model_type") ?? "", "model type"),
                                sourceRunID: try fields.string("source_run_id").flatMap { $0.isEmpty ? nil : try TrackingRules.runID($0) } ?? "",
                                lifecycleStage: "active")
        model.tags = try fields.objects("tags").map(RunController<Context>.tag)
        model.params = try fields.objects("params").map(RunController<Context>.param)
        try await models.create(model)
        return try response(try await models.model(id: id), id: id)
    }

    func get(_ request: Request, context: Context) async throws -> Response {
        let id = try modelID(context)
        let model = try await models.model(id: id)
        guard let model, model.lifecycleStage == "active" else { throw TrackingError.notFound("Logged model with ID '\(id)' not found.") }
        return try response(model, id: id)
    }

    func finalize(_ request: Request, context: Context) async throws -> Response {
        let id = try modelID(context)
        let fields = try await fields(request)
        let status = try fields.requiredString("status")
        guard LoggedModel.statuses.contains(status) else { throw TrackingError.invalidParameter("Invalid logged model status '\(TrackingRules.printable(status))'") }
        let message = try fields.string("status_message").map { try TrackingRules.value($0, "Status message", key: "status_message") }
        return try response(try await models.setStatus(id: id, status: status, message: message), id: id)
    }

    func delete(_ request: Request, context: Context) async throws -> Response {
        let id = try modelID(context)
        guard try await models.delete(id: id) else { throw TrackingError.notFound("Logged model with ID '\(id)' not found.") }
        return try MLflowWire.response([:])
    }

    func setTags(_ request: Request, context: Context) async throws -> Response {
        let id = try modelID(context)
        try await models.setTags(id: id, try await fields(request).objects("tags").map(RunController<Context>.tag))
        return try MLflowWire.response([:])
    }

    func deleteTag(_ request: Request, context: Context) async throws -> Response {
        let id = try modelID(context)
        let key = try context.parameters.require("tag_key").removingPercentEncoding ?? ""
        try await models.deleteTag(id: id, key: try TrackingRules.key(key, "tag"))
        return try MLflowWire.response([:])
    }

    func logParams(_ request: Request, context: Context) async throws -> Response {
        let id = try modelID(context)
        try await models.logParams(id: id, try await fields(request).objects("params").map(RunController<Context>.param))
        return try MLflowWire.response([:])
    }

    /// `{experiment_ids, filter, order_by: [{field_name, ascending}], max_results, page_token}`.
    func search(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        let ids = try fields.strings("experiment_ids").map(TrackingRules.experimentID)
        let filter = try SearchFilter(try fields.string("filter") ?? "", attributes: .loggedModels)
        let terms = try fields.objects("order_by").map { term -> String in
            let field = try term.requiredString("field_name")
            let ascending = (term.values["ascending"] as? Bool) ?? true
            return "\(field.contains(".") ? field : "attributes.\(field)") \(ascending ? "ASC" : "DESC")"
        }
        let order = try SearchOrder.parse(terms, attributes: .loggedModels)
        let limit = try TrackingRules.maxResults(try fields.int64("max_results"), fallback: 100, limit: 1000)
        let offset = try MLflowWire.offset(fromPageToken: try fields.string("page_token"))
        let found = try await models.models(experimentIDs: ids, filter: filter, order: order, offset: offset, limit: limit + 1)
        return try MLflowWire.response(MLflowWire.page(found, key: "models", limit: limit, offset: offset) { MLflowWire.loggedModel($0) })
    }
}
