import Storage

/// One artifact version as the client sends it, checked, ready to insert.
struct ArtifactVersionDraft: Sendable {
    let project: String
    let artifactID: String?
    let artifactName: String?
    let version: String?
    let hasCustomName: Bool
    let columns: [String: StoredValue]
    let visualizations: [JSONValue]
    let tags: [TagSpec]

    static let saveTypes: Set<String> = ["step_output", "manual", "preexisting", "external_manual", "external"]

    init(_ fields: RequestFields) throws {
        project = try fields.requiredString("project")
        artifactID = try fields.uuid("artifact_id")
        artifactName = try fields.optionalName("artifact_name")
        guard artifactID != nil || artifactName != nil else { throw fields.fail("artifact_name", "Field required (or artifact_id)") }
        switch fields.raw("version") {
        case nil: version = nil
        case let .string(s)?:
            if let problem = EntityName.problem(with: s) { throw fields.fail("version", "Version \(problem)") }
            version = s
        case let value?:
            guard let n = value.intValue else { throw fields.fail("version", "Input should be a string or an integer") }
            version = String(n)
        }
        hasCustomName = try fields.bool("has_custom_name") ?? false
        tags = try TagSpec.list(fields.raw("tags"), field: "tags")
        guard let materializer = try fields.object("materializer") else { throw fields.fail("materializer", "Field required") }
        guard let dataType = try fields.object("data_type") else { throw fields.fail("data_type", "Field required") }
        guard let saveType = try fields.choice("save_type", from: Self.saveTypes) else { throw fields.fail("save_type", "Field required") }
        columns = [
            "uri": .text(try fields.requiredString("uri")), "type": .text(try fields.requiredString("type")),
            "materializer": .text(materializer.text), "data_type": .text(dataType.text), "save_type": .text(saveType),
            "artifact_store_id": (try fields.uuid("artifact_store_id")).map(StoredValue.text) ?? .null,
            "content_hash": (try fields.string("content_hash")).map(StoredValue.text) ?? .null,
            "item_count": (try fields.int("item_count")).map { .integer(Int64($0)) } ?? .null,
            "run_metadata": .text((try fields.object("metadata") ?? [:]).text),
        ]
        visualizations = try (fields.array("visualizations") ?? []).map { item in
            guard let type = item["type"]?.stringValue, let uri = item["uri"]?.stringValue else {
                throw fields.fail("visualizations", "Each visualization needs a type and a uri")
            }
            return ["id": .string(String.newID()), "type": .string(type), "uri": .string(uri)]
        }
    }
}
