import Foundation
import Hummingbird

/// `registered-models/*`: the model registry's names — create, read, rename, describe,
/// tag, alias, search, delete.
struct RegisteredModelController<Context: TrackingRequestContext> {
    let registry: any ModelRegistryRepository
    let maxBodyBytes: Int

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("registered-models/create", use: create)
        group.get("registered-models/get", use: get)
        group.post("registered-models/rename", use: rename)
        group.patch("registered-models/update", use: update)
        group.delete("registered-models/delete", use: delete)
        group.get("registered-models/search", use: search)
        group.get("registered-models/get-latest-versions", use: latestVersions)
        group.post("registered-models/get-latest-versions", use: latestVersions)
        group.post("registered-models/set-tag", use: setTag)
        group.delete("registered-models/delete-tag", use: deleteTag)
        group.post("registered-models/alias", use: setAlias)
        group.delete("registered-models/alias", use: deleteAlias)
        group.get("registered-models/alias", use: getAlias)
    }

    func fields(_ request: Request) async throws -> MLflowRequest { try await MLflowRequest.read(request, limit: maxBodyBytes) }

    /// A registered model's name: not empty, bounded, no control characters and no `/`
    /// (names are read back out of `models:/<name>/<version>` URIs).
    static func name(_ fields: MLflowRequest, _ key: String = "name") throws -> String {
        let name = try TrackingRules.name(try fields.requiredString(key), "registered model")
        guard !name.contains("/") else { throw TrackingError.invalidParameter("Invalid registered model name '\(TrackingRules.printable(name))': '/' is not allowed.") }
        return name
    }

    func model(_ name: String) async throws -> RegisteredModel {
        guard let model = try await registry.model(name: name) else { throw TrackingError.notFound("Registered Model with name=\(name) not found") }
        return model
    }

    func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        let model = try await registry.createModel(name: try Self.name(fields), description: try fields.string("description"),
                                                   tags: try fields.objects("tags").map(RunController<Context>.tag))
        return try MLflowWire.response(["registered_model": MLflowWire.registeredModel(model)])
    }

    func get(_ request: Request, context: Context) async throws -> Response {
        try MLflowWire.response(["registered_model": MLflowWire.registeredModel(try await model(try Self.name(try await fields(request))))])
    }

    func rename(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        let model = try await registry.renameModel(name: try Self.name(fields), to: try Self.name(fields, "new_name"))
        return try MLflowWire.response(["registered_model": MLflowWire.registeredModel(model)])
    }

    func update(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        let description = try TrackingRules.value(try fields.string("description") ?? "", "Description", key: "description")
        let model = try await registry.updateModel(name: try Self.name(fields), description: description)
        return try MLflowWire.response(["registered_model": MLflowWire.registeredModel(model)])
    }

    func delete(_ request: Request, context: Context) async throws -> Response {
        try await registry.deleteModel(name: try Self.name(try await fields(request)))
        return try MLflowWire.response([:])
    }

    func search(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        let filter = try SearchFilter(try fields.string("filter") ?? "", attributes: .registeredModels)
        let order = try SearchOrder.parse(try fields.strings("order_by"), attributes: .registeredModels)
        let limit = try TrackingRules.maxResults(try fields.int64("max_results"), fallback: 100, limit: 1000)
        let offset = try MLflowWire.offset(fromPageToken: try fields.string("page_token"))
        let found = try await registry.models(filter: filter, order: order, offset: offset, limit: limit + 1)
        return try MLflowWire.response(MLflowWire.page(found, key: "registered_models", limit: limit, offset: offset) { MLflowWire.registeredModel($0) })
    }

    func latestVersions(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        let stages = try fields.strings("stages").map(ModelVersionController<Context>.stage)
        let found = try await registry.latestVersions(name: try Self.name(fields), stages: stages)
        return try MLflowWire.response(found.isEmpty ? [:] : ["model_versions": found.map { MLflowWire.modelVersion($0) }])
    }

    func setTag(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        try await registry.setModelTag(name: try Self.name(fields), try RunController<Context>.tag(fields))
        return try MLflowWire.response([:])
    }

    func deleteTag(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        try await registry.deleteModelTag(name: try Self.name(fields), key: try fields.requiredString("key"))
        return try MLflowWire.response([:])
    }

    /// An alias: letters, digits, `_` and `-`; not `latest` and not `v<number>` (those read as versions).
    static func alias(_ fields: MLflowRequest) throws -> String {
        let alias = try fields.requiredString("alias")
        let lower = alias.lowercased()
        guard alias.utf8.count <= 255, alias.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || $0 == "_" || $0 == "-" }),
              lower != "latest", !(lower.hasPrefix("v") && lower.count > 1 && lower.dropFirst().allSatisfy(\.isNumber)) else {
            throw TrackingError.invalidParameter("Invalid alias '\(TrackingRules.printable(alias))': letters, digits, '_' and '-' only, and not 'latest' or 'v<number>'.")
        }
        return alias
    }

    func setAlias(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        try await registry.setAlias(name: try Self.name(fields), alias: try Self.alias(fields), version: try ModelVersionController<Context>.number(fields))
        return try MLflowWire.response([:])
    }

    func deleteAlias(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        try await registry.deleteAlias(name: try Self.name(fields), alias: try Self.alias(fields))
        return try MLflowWire.response([:])
    }

    func getAlias(_ request: Request, context: Context) async throws -> Response {
        let fields = try await fields(request)
        let name = try Self.name(fields), alias = try Self.alias(fields)
        guard let version = try await registry.version(name: name, alias: alias) else {
            throw TrackingError.notFound("Registered model alias \(alias) not found.")
        }
        return try MLflowWire.response(["model_version": MLflowWire.modelVersion(version)])
    }
}
