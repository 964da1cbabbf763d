import Storage

/// A model version as the dashboard lists it, with what it links to.
public struct ModelVersionSummary: Sendable {
    public let id: String
    public let name: String
    public let number: Int
    public let stage: String?
    public let created: String
    public let tags: [String]
    public let runs: [(id: String, name: String)]
    public let artifacts: [(versionID: String, name: String, version: String, type: String)]
}

/// A model with its versions, newest first.
public struct ModelView: Sendable {
    public let id: String
    public let name: String
    public let description: String?
    public let license: String?
    public let tags: [String]
    public let versions: [ModelVersionSummary]
}

/// What the dashboard reads of ZenML's model control plane; the control plane keeps the tables.
public protocol ModelCatalog: Sendable {
    /// Models with their latest and production versions.
    func models(page: Int, size: Int) async throws -> CatalogPage<(id: String, name: String, versions: Int, latest: String?, production: String?)>
    /// One model with its 100 newest versions; nil when there is none.
    func model(id: String) async throws -> ModelView?
}
