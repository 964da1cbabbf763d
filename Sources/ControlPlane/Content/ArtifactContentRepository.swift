import Storage

/// Where a piece of artifact content is: its URI and the artifact store it was written to.
struct ContentLocation: Sendable {
    var uri: String
    var artifactStoreID: String?
}

/// An artifact store component as far as reading from it matters.
struct ArtifactStoreLocation: Sendable {
    var name: String
    var flavor: String
    /// The configured root path; nil or empty when the client decides it (ZenML's default store).
    var path: String?
}

/// Finds where visualizations and logs live, for `ContentController`.
protocol ArtifactContentRepository: Sendable {
    /// Visualization `index` of an artifact version, with its type; `notFound` as ZenML words it.
    func visualization(versionID: String, index: Int) async throws -> (type: String, location: ContentLocation)
    /// The logs of a step or a run, chosen by `source` or by id.
    func logs(of kind: LogOwner, id: String, source: String?, logsID: String?) async throws -> ContentLocation
    /// One logs record by id.
    func logs(id: String) async throws -> ContentLocation
    /// The artifact store component, or nil when it was deleted.
    func artifactStore(id: String) async throws -> ArtifactStoreLocation?
}

/// What logs belong to.
enum LogOwner: String, Sendable {
    case step = "step_run_id", run = "pipeline_run_id"

    var noun: String { self == .step ? "step" : "run" }
}
