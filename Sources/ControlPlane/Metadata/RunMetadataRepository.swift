import Storage

/// What run metadata can be attached to, with the table that keeps it and the noun
/// ZenML's not-found message uses.
enum MetadataResource: String, Sendable, CaseIterable {
    case pipelineRun = "pipeline_run", stepRun = "step_run", artifactVersion = "artifact_version", modelVersion = "model_version"

    var table: String {
        switch self {
        case .pipelineRun: return "pipeline_runs"
        case .stepRun: return "step_runs"
        case .artifactVersion: return "artifact_versions"
        case .modelVersion: return "model_versions"
        }
    }

    var noun: String {
        switch self {
        case .pipelineRun: return "pipeline run"
        case .stepRun: return "step run"
        case .artifactVersion: return "artifact version"
        case .modelVersion: return "model version"
        }
    }
}

/// Where `log_metadata` lands: key/value pairs merged into a resource's `run_metadata`, a
/// later value for a key replacing the earlier one, as ZenML shows them.
protocol RunMetadataRepository: Sendable {
    /// Merges `values` (a JSON object) into every resource, all or none; `notFound` when
    /// one of them does not exist.
    func attach(_ values: JSONValue, to resources: [(MetadataResource, String)]) async throws
}
