import Hummingbird

/// `experiments/*`: create, read, search, rename, delete, restore and tag experiments.
struct ExperimentController<Context: TrackingRequestContext> {
    let experiments: any ExperimentRepository
    let maxBodyBytes: Int

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("experiments/create", use: create)
        group.get("experiments/get", use: get)
        group.get("experiments/get-by-name", use: getByName)
        group.post("experiments/search", use: search)
        group.get("experiments/search", use: search)
        group.post("experiments/update", use: update)
        group.post("experiments/delete", use: delete)
        group.post("experiments/restore", use: restore)
        group.post("experiments/set-experiment-tag", use: setTag)
        group.post("experiments/delete-experiment-tag", use: deleteTag)
    }

    func fields(_ request: Request) async throws -> MLflowRequest { try await MLflowRequest.read(request, limit: maxBodyBytes) }

    func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        let name = try TrackingRules.name(try fields.requiredString("name"), "experiment")
        var location: String?
        if let given = try fields.string("artifact_location"), !given.isEmpty { location = try Self.artifactLocation(given) }
        let tags = try fields.keyValues("tags").map { KeyValue(key: try TrackingRules.key($0.key, "tag"), value: try TrackingRules.value($0.value, "Tag", key: $0.key)) }
        let id = try await experiments.create(name: name, artifactLocation: location, tags: tags, now: TrackingRules.now())
        return try MLflowWire.response(["experiment_id": String(id)])
    }

    func get(_ request: Request, context: Context) async throws -> Response {
        let id = try TrackingRules.experimentID(try await fields(request).requiredString("experiment_id"))
        guard let experiment = try await experiments.experiment(id: id) else { throw TrackingError.notFound("No Experiment with id=\(id) exists") }
        return try MLflowWire.response(["experiment": MLflowWire.experiment(experiment)])
    }

    func getByName(_ request: Request, context: Context) async throws -> Response {
        let name = try await fields(request).requiredString("experiment_name")
        guard let experiment = try await experiments.experiment(named: name) else {
            throw TrackingError.notFound("Could not find experiment with name '\(TrackingRules.printable(name))'")
        }
        return try MLflowWire.response(["experiment": MLflowWire.experiment(experiment)])
    }

    func search(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        let filter = try SearchFilter(try fields.string("filter") ?? "", attributes: .experiments)
        let order = try SearchOrder.parse(try fields.strings("order_by"), attributes: .experiments)
        let limit = try TrackingRules.maxResults(try fields.int64("max_results"), fallback: 1000, limit: 50000)
        let offset = try MLflowWire.offset(fromPageToken: try fields.string("page_token"))
        let found = try await experiments.experiments(view: try TrackingRules.viewType(try fields.string("view_type")), filter: filter, order: order,
                                                      offset: offset, limit: limit + 1)
        return try MLflowWire.response(MLflowWire.page(found, key: "experiments", limit: limit, offset: offset) { MLflowWire.experiment($0) })
    }

    func update(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        let id = try TrackingRules.experimentID(try fields.requiredString("experiment_id"))
        if let name = try fields.string("new_name") {
            guard !name.isEmpty else { throw TrackingError.invalidParameter("The experiment's name cannot be empty") }
            guard try await experiments.rename(id: id, to: try TrackingRules.name(name, "experiment"), now: TrackingRules.now()) else {
                throw TrackingError.notFound("No Experiment with id=\(id) exists")
            }
        }
        return try MLflowWire.response([:])
    }

    func delete(_ request: Request, context: Context) async throws -> Response {
        try await setStage(request, "deleted")
    }

    func restore(_ request: Request, context: Context) async throws -> Response {
        try await setStage(request, "active")
    }

    func setStage(_ request: Request, _ stage: String) async throws -> Response {
        let id = try TrackingRules.experimentID(try await fields(request).requiredString("experiment_id"))
        guard id != 0 || stage == "active" else { throw TrackingError.invalidParameter("Cannot delete the default experiment '0'.") }
        guard try await experiments.setLifecycle(id: id, stage: stage, now: TrackingRules.now()) else {
            throw TrackingError.notFound("No Experiment with id=\(id) exists")
        }
        return try MLflowWire.response([:])
    }

    func setTag(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        let id = try TrackingRules.experimentID(try fields.requiredString("experiment_id"))
        let key = try TrackingRules.key(try fields.requiredString("key"), "tag")
        let value = try TrackingRules.value(try fields.string("value") ?? "", "Tag", key: key)
        guard try await experiments.setTag(id: id, KeyValue(key: key, value: value)) else { throw TrackingError.notFound("No Experiment with id=\(id) exists") }
        return try MLflowWire.response([:])
    }

    func deleteTag(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        let id = try TrackingRules.experimentID(try fields.requiredString("experiment_id"))
        let key = try fields.requiredString("key")
        guard try await experiments.deleteTag(id: id, key: key) else {
            throw TrackingError.notFound("No tag with name: \(TrackingRules.printable(key)) in experiment with id \(id)")
        }
        return try MLflowWire.response([:])
    }

    /// Only locations in Enclave's own artifact store: `mlflow-artifacts:/` and a safe
    /// relative path (no host paths, other schemes, `..`, `?` or `#`).
    static func artifactLocation(_ text: String) throws -> String {
        let prefix = "mlflow-artifacts:/"
        let rest = text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : nil
        guard let rest, !rest.isEmpty, !rest.hasPrefix("/"), !rest.contains(where: { "?#;\\%".contains($0) }),
              !rest.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }),
              rest.count <= 512, !(rest.split(separator: "/").first ?? "").allSatisfy(\.isNumber) else {
            throw TrackingError.invalidParameter("Invalid artifact_location '\(TrackingRules.printable(text))': this server stores artifacts itself; give a 'mlflow-artifacts:/<path>' location (not starting with another experiment's number) or none.")
        }
        return text
    }
}
