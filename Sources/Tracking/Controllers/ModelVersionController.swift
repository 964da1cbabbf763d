import Foundation
import Hummingbird

/// `model-versions/*`: numbered versions of registered models — create (with the source
/// checked), read, describe, move between stages, tag, search, delete, and where to
/// download the files from.
struct ModelVersionController<Context: TrackingRequestContext> {
    let registry: any ModelRegistryRepository
    let sources: ModelVersionSource
    let maxBodyBytes: Int

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("model-versions/create", use: create)
        group.get("model-versions/get", use: get)
        group.patch("model-versions/update", use: update)
        group.delete("model-versions/delete", use: delete)
        group.post("model-versions/transition-stage", use: transition)
        group.get("model-versions/search", use: search)
        group.get("model-versions/get-download-uri", use: downloadURI)
        group.post("model-versions/set-tag", use: setTag)
        group.delete("model-versions/delete-tag", use: deleteTag)
    }

    func fields(_ request: Request) async throws -> MLflowRequest { try await MLflowRequest.read(request, limit: maxBodyBytes) }

    /// A version number (MLflow sends it as a string).
    static func number(_ fields: MLflowRequest) throws -> Int64 {
        guard let number = try fields.int64("version") else { throw fields.missing("version") }
        guard number >= 1 else { throw TrackingError.invalidParameter("Invalid model version number '\(number)'") }
        return number
    }

    /// A stage name in MLflow's spelling, whatever case it came in.
    static func stage(_ text: String) throws -> String {
        guard let stage = ModelVersion.stages.first(where: { $0.lowercased() == text.lowercased() }) else {
            throw TrackingError.invalidParameter("Invalid Model Version stage: \(TrackingRules.printable(text)). Value must be one of \(ModelVersion.stages.joined(separator: ", ")).")
        }
        return stage
    }

    func version(_ fields: MLflowRequest) async throws -> ModelVersion {
        let name = try RegisteredModelController<Context>.name(fields), number = try Self.number(fields)
        guard let version = try await registry.version(name: name, version: number) else {
            throw TrackingError.notFound("Model Version (name=\(name), version=\(number)) not found")
        }
        return version
    }

    func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        let name = try RegisteredModelController<Context>.name(fields)
        let runID = try fields.string("run_id").flatMap { $0.isEmpty ? nil : try TrackingRules.runID($0) }
        let modelID = try fields.string("model_id").flatMap { $0.isEmpty ? nil : try TrackingRules.modelID($0) }
        let source = try fields.requiredString("source")
        let resolved = try await sources.resolve(source: source, runID: runID, modelID: modelID)
        let draft = ModelVersionDraft(name: name, source: source, runID: resolved.runID,
                                      runLink: try fields.string("run_link").map { try TrackingRules.value($0, "Run link", key: "run_link") },
                                      description: try fields.string("description").map { try TrackingRules.value($0, "Description", key: "description") },
                                      userID: context.principal?.name, storageLocation: resolved.storageLocation, modelID: resolved.modelID,
                                      tags: try fields.objects("tags").map(RunController<Context>.tag))
        let version = try await registry.createVersion(draft)
        return try MLflowWire.response(["model_version": MLflowWire.modelVersion(version)])
    }

    func get(_ request: Request, context: Context) async throws -> Response {
        try MLflowWire.response(["model_version": MLflowWire.modelVersion(try await version(try await fields(request)))])
    }

    func update(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        let description = try TrackingRules.value(try fields.string("description") ?? "", "Description", key: "description")
        let version = try await registry.updateVersion(name: try RegisteredModelController<Context>.name(fields), version: try Self.number(fields),
                                                       description: description)
        return try MLflowWire.response(["model_version": MLflowWire.modelVersion(version)])
    }

    func delete(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        try await registry.deleteVersion(name: try RegisteredModelController<Context>.name(fields), version: try Self.number(fields))
        return try MLflowWire.response([:])
    }

    func transition(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        let archive = (fields.values["archive_existing_versions"] as? Bool) ?? ((try? fields.string("archive_existing_versions")) == "true")
        let version = try await registry.transition(name: try RegisteredModelController<Context>.name(fields), version: try Self.number(fields),
                                                    stage: try Self.stage(try fields.requiredString("stage")), archiveOthers: archive)
        return try MLflowWire.response(["model_version": MLflowWire.modelVersion(version)])
    }

    func search(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        let filter = try SearchFilter(try fields.string("filter") ?? "", attributes: .modelVersions)
        let order = try SearchOrder.parse(try fields.strings("order_by"), attributes: .modelVersions)
        let limit = try TrackingRules.maxResults(try fields.int64("max_results"), fallback: 10_000, limit: 200_000)
        let offset = try MLflowWire.offset(fromPageToken: try fields.string("page_token"))
        let found = try await registry.versions(filter: filter, order: order, offset: offset, limit: limit + 1)
        return try MLflowWire.response(MLflowWire.page(found, key: "model_versions", limit: limit, offset: offset) { MLflowWire.modelVersion($0) })
    }

    func downloadURI(_ request: Request, context: Context) async throws -> Response {
        let version = try await version(try await fields(request))
        return try MLflowWire.response(["artifact_uri": version.storageLocation ?? version.source])
    }

    func setTag(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        try await registry.setVersionTag(name: try RegisteredModelController<Context>.name(fields), version: try Self.number(fields),
                                         try RunController<Context>.tag(fields))
        return try MLflowWire.response([:])
    }

    func deleteTag(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        try await registry.deleteVersionTag(name: try RegisteredModelController<Context>.name(fields), version: try Self.number(fields),
                                            key: try fields.requiredString("key"))
        return try MLflowWire.response([:])
    }
}
