/// What ZenML lets a tag be attached to, with the table the resource lives in. Exclusive
/// tags apply only to the kinds that have a scope (runs and snapshots per pipeline,
/// artifact versions per artifact).
enum TaggableResource: String, Sendable, CaseIterable {
    case artifact, artifactVersion = "artifact_version", model, modelVersion = "model_version", pipeline
    case pipelineRun = "pipeline_run", runTemplate = "run_template", pipelineSnapshot = "pipeline_snapshot", deployment

    /// The table holding resources of this kind; nil for kinds Enclave does not keep.
    var table: String? {
        switch self {
        case .artifact: return "artifacts"
        case .artifactVersion: return "artifact_versions"
        case .model: return "models"
        case .modelVersion: return "model_versions"
        case .pipeline: return "pipelines"
        case .pipelineRun: return "pipeline_runs"
        case .pipelineSnapshot: return "pipeline_snapshots"
        case .runTemplate, .deployment: return nil
        }
    }

    /// The column whose value an exclusive tag is unique within, or nil when the kind takes
    /// no exclusive tags.
    var exclusiveScope: String? {
        switch self {
        case .pipelineRun, .pipelineSnapshot: return "pipeline_id"
        case .artifactVersion: return "artifact_id"
        default: return nil
        }
    }

    /// The noun ZenML's messages use ("pipeline run").
    var noun: String { rawValue.replacingOccurrences(of: "_", with: " ") }
}

/// One tag as a client names it when tagging: a name, and for a new tag its colour and
/// whether it is exclusive; `cascade` tags on a pipeline also go to the run's outputs.
struct TagSpec: Sendable, Equatable {
    var name: String
    var color: String?
    var exclusive: Bool?
    var cascade: Bool

    /// ZenML's tag colours; a tag made without one gets one at random, as the real server does.
    static let colors = ["grey", "purple", "red", "green", "yellow", "orange", "lime", "teal", "turquoise", "magenta", "blue"]

    /// Reads a `tags` list: strings or `{name, color, exclusive, cascade}` objects.
    static func list(_ value: JSONValue?, field: String) throws -> [TagSpec] {
        guard let value, value != .null else { return [] }
        guard let items = value.arrayValue else { throw ControlPlaneError.validation("1 validation error: ('body', '\(field)') Input should be a valid list") }
        return try items.map { item in
            if let name = item.stringValue { return try TagSpec(name: checked(name, field), color: nil, exclusive: nil, cascade: false) }
            guard let name = item["name"]?.stringValue else {
                throw ControlPlaneError.validation("1 validation error: ('body', '\(field)') Each tag is a name or an object with a name")
            }
            let color = item["color"]?.stringValue
            if let color, !colors.contains(color) {
                throw ControlPlaneError.validation("1 validation error: ('body', '\(field)', 'color') Input should be one of \(colors.map { "'\($0)'" }.joined(separator: ", "))")
            }
            return TagSpec(name: try checked(name, field), color: color, exclusive: item["exclusive"]?.boolValue,
                           cascade: item["cascade"]?.boolValue ?? false)
        }
    }

    /// A tag name as ZenML accepts it: not empty, at most 255 characters.
    static func checked(_ name: String, _ field: String) throws -> String {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 255 else {
            throw ControlPlaneError.validation("1 validation error: ('body', '\(field)') A tag name is 1 to 255 characters")
        }
        return name
    }
}
