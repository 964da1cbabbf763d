/// One page of a list read for the dashboard, with the total to page through.
public struct CatalogPage<Item: Sendable>: Sendable {
    public let items: [Item]
    public let total: Int
    public let page: Int
    public let size: Int

    /// Creates a page.
    public init(items: [Item], total: Int, page: Int, size: Int) {
        self.items = items
        self.total = total
        self.page = page
        self.size = size
    }

    /// The rows to skip for `page` (from 1) of `size`, safe for any numbers a URL carries.
    public static func offset(page: Int, size: Int) -> Int {
        let (offset, overflow) = (max(page, 1) - 1).multipliedReportingOverflow(by: max(size, 1))
        return overflow ? Int(Int32.max) : offset
    }

    /// How many pages there are (at least one).
    public var pageCount: Int { max(1, (total + size - 1) / size) }
}

/// A pipeline as the dashboard lists it.
public struct PipelineSummary: Sendable {
    public let id: String
    public let name: String
    public let runCount: Int
    public let latestStatus: String?
    public let latestRunAt: String?
}

/// A pipeline run as the dashboard lists it.
public struct RunSummary: Sendable {
    public let id: String
    public let name: String
    public let pipelineID: String?
    public let pipelineName: String?
    public let status: String
    public let startTime: String?
    public let endTime: String?
    /// Who started it, by id, and by name as Identity knows it (nil when unknown or gone).
    public let userID: String?
    public var userName: String?
    public let tags: [String]
    public let modelVersion: String?
}

/// One artifact a step read or wrote.
public struct StepArtifact: Sendable {
    public let name: String
    public let artifactName: String
    public let version: String
    public let versionID: String
    public let type: String
}

/// One step of a run, with what the DAG and the step panel need.
public struct StepView: Sendable {
    public let id: String
    public let name: String
    public let status: String
    public let startTime: String?
    public let endTime: String?
    public let parentIDs: [String]
    public let cacheKey: String?
    public let inputs: [StepArtifact]
    public let outputs: [StepArtifact]
    /// The step's configuration and metadata as stored (JSON text).
    public let configuration: String
    public let metadata: String
}

/// One run in full: its steps in start order, its configuration and metadata.
public struct RunView: Sendable {
    public var summary: RunSummary
    public let steps: [StepView]
    public let configuration: String
    public let metadata: String
}

/// What the dashboard reads of ZenML's pipelines and runs; the control plane keeps the tables.
public protocol PipelineCatalog: Sendable {
    /// Pipelines, newest activity first.
    func pipelines(page: Int, size: Int) async throws -> CatalogPage<PipelineSummary>
    /// One pipeline's name; nil when there is none.
    func pipelineName(id: String) async throws -> String?
    /// Runs, newest first, of one pipeline or all, optionally of one status.
    func runs(pipelineID: String?, status: String?, page: Int, size: Int) async throws -> CatalogPage<RunSummary>
    /// One run with its steps; nil when there is none.
    func run(id: String) async throws -> RunView?
    /// A pipeline's named snapshots, newest first (up to 50).
    func snapshots(pipelineID: String) async throws -> [SnapshotView]
}
