import Storage

/// An artifact as the dashboard lists it.
public struct ArtifactSummary: Sendable {
    public let id: String
    public let name: String
    public let versionCount: Int
    public let latestVersion: String?
    public let latestType: String?
    public let updated: String
}

/// A step's place in a version's lineage: the step and its run.
public struct StepReference: Sendable {
    public let stepName: String
    public let stepID: String
    public let runID: String
    public let runName: String
}

/// One artifact version with its lineage, metadata and visualizations.
public struct ArtifactVersionView: Sendable {
    public let id: String
    public let artifactID: String
    public let artifactName: String
    public let version: String
    public let type: String
    public let uri: String
    public let dataType: String
    public let created: String
    public let metadata: String
    public let visualizationTypes: [String]
    public let tags: [String]
    public let producer: StepReference?
    public let consumers: [StepReference]
}

/// What the dashboard reads of ZenML's artifacts; the control plane keeps the tables.
public protocol ArtifactCatalog: Sendable {
    /// Artifacts, most recently versioned first.
    func artifacts(page: Int, size: Int) async throws -> CatalogPage<ArtifactSummary>
    /// An artifact's name and its versions, newest first; nil when there is no such artifact.
    func versions(artifactID: String, page: Int, size: Int) async throws -> (name: String, page: CatalogPage<ArtifactVersionView>)?
    /// One version; nil when there is none.
    func version(id: String) async throws -> ArtifactVersionView?
}
