import Hummingbird

/// `/run-metadata`: `log_metadata` from a step or after a run — values for pipeline runs,
/// step runs and artifact versions, shown in each one's `run_metadata`. Model versions,
/// schedules and wait conditions are not served, so metadata for them is ZenML's 404.
struct RunMetadataController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints
    let metadata: any RunMetadataRepository

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("run-metadata", use: create)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { _ in
            guard let values = try fields.object("values") else { throw fields.fail("values", "Field required") }
            if let colon = values.objectValue?.keys.first(where: { $0.contains(":") }) {
                throw fields.fail("values", "You can not use colons (`:`) in the key names of metadata: '\(colon)'")
            }
            guard let listed = try fields.array("resources") else { throw fields.fail("resources", "Field required") }
            let resources = try listed.map { item -> (MetadataResource, String) in
                guard let id = item["id"]?.stringValue?.lowercased(), let type = item["type"]?.stringValue else {
                    throw fields.fail("resources", "Each resource needs an id and a type")
                }
                guard let kind = MetadataResource(rawValue: type) else {
                    throw ControlPlaneError.notFound("Unable to find a \(type.replacingOccurrences(of: "_", with: " ")) with ID '\(id)'.")
                }
                return (kind, id)
            }
            try await metadata.attach(values, to: resources)
            return nil
        }
    }
}
