/// A registered model of MLflow's model registry: a name whose versions point at model
/// files, with tags and aliases.
public struct RegisteredModel: Sendable, Equatable {
    public let name: String
    public let creationTimestamp: Int64
    public let lastUpdatedTimestamp: Int64
    public let description: String?
    public var tags: [KeyValue] = []
    /// `(alias, version)` pairs.
    public var aliases: [(String, Int64)] = []
    /// The newest version in each stage.
    public var latestVersions: [ModelVersion] = []

    public static func == (a: RegisteredModel, b: RegisteredModel) -> Bool {
        a.name == b.name && a.creationTimestamp == b.creationTimestamp && a.lastUpdatedTimestamp == b.lastUpdatedTimestamp
            && a.description == b.description && a.tags == b.tags && a.aliases.map(\.0) == b.aliases.map(\.0)
            && a.aliases.map(\.1) == b.aliases.map(\.1) && a.latestVersions == b.latestVersions
    }
}

/// One numbered version of a registered model.
public struct ModelVersion: Sendable, Equatable {
    /// The stage a deleted version is kept in (as MLflow keeps them), so numbers are never reused.
    static let deletedStage = "Deleted_Internal"

    public let name: String
    public let version: Int64
    public let creationTimestamp: Int64
    public let lastUpdatedTimestamp: Int64
    public let description: String?
    public let userID: String?
    public let currentStage: String
    public let source: String
    public let runID: String?
    public let runLink: String?
    public let status: String
    /// Where the files are (what `get-download-uri` answers).
    public let storageLocation: String?
    public let modelID: String?
    public var tags: [KeyValue] = []
    public var aliases: [String] = []

    /// The stages a version can be moved to (MLflow's, case-insensitive on input).
    public static let stages = ["None", "Staging", "Production", "Archived"]
}

/// What a new model version is made of, checked by the controller.
public struct ModelVersionDraft: Sendable {
    public let name: String
    public let source: String
    public let runID: String?
    public let runLink: String?
    public let description: String?
    public let userID: String?
    public let storageLocation: String
    public let modelID: String?
    public let tags: [KeyValue]
}
