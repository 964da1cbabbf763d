/// A pipeline as the client asks for it (`POST /pipelines`).
struct PipelineDraft: Sendable {
    var project: String
    var name: String
    var description: String?
    var tags: [TagSpec]
    var userID: String?
}

/// A snapshot as the client sends it (`POST /pipeline_snapshots`): the compiled pipeline
/// whose configuration its runs and steps take theirs from. JSON stays as the client sent it.
struct SnapshotDraft: Sendable {
    var project: String
    var pipelineID: String?
    var stackID: String?
    var name: String?
    var description: String?
    var runNameTemplate: String
    var pipelineConfiguration: JSONValue
    var stepConfigurations: JSONValue
    var pipelineSpec: JSONValue?
    /// Without `python_packages`, which the server does not keep.
    var clientEnvironment: JSONValue
    var clientVersion: String?
    var serverVersion: String?
    var pipelineVersionHash: String?
    var sourceCode: String?
    var codePath: String?
    var isDynamic: Bool
    var tags: [TagSpec]
    var userID: String?
    /// Whether the snapshot takes its name from another snapshot of the pipeline that holds it
    /// (which keeps its runs and loses its name), as ZenML's `replace`.
    var replace = false
}

/// Where pipelines and their snapshots are written. A pipeline's name is unique in its
/// project by the table's constraint, so two writers racing for one name get one pipeline
/// and one `alreadyExists`.
protocol PipelineRepository: Sendable {
    /// Makes a pipeline; returns its id.
    func createPipeline(_ draft: PipelineDraft) async throws -> String
    /// Changes a pipeline's description (nil keeps it) and tags.
    func updatePipeline(id: String, description: String?, tags: ResourceTagChange, userID: String?) async throws
    /// Removes a pipeline with its snapshots and runs (their steps and links go with them).
    func deletePipeline(id: String) async throws
    /// Records a snapshot; returns its id. A name another snapshot of the pipeline holds is
    /// `alreadyExists` unless the draft replaces it.
    func createSnapshot(_ draft: SnapshotDraft) async throws -> String
    /// Removes a snapshot with its runs.
    func deleteSnapshot(id: String) async throws
}

extension SnapshotDraft {
    /// ZenML's answer when the draft's name is held by another snapshot of its pipeline.
    static func nameTaken(_ draft: SnapshotDraft) -> ControlPlaneError {
        .alreadyExists("Snapshot with name `\(draft.name ?? "")` already exists for pipeline `\(draft.pipelineID ?? "")`. "
                       + "If you want to replace the existing snapshot, set the `replace` flag to `True`.")
    }
}
