/// A stored pipeline. One row of `pipelines`, typed.
struct PipelineRecord: StoredRecord {
    static let table = "pipelines"
    let id: String
    let projectID: String
    let name: String
    let description: String?
    let userID: String?
    let created: String
    let updated: String
}

/// A stored pipeline snapshot (ZenML's deployment): the compiled configuration runs start
/// from. One row of `pipeline_snapshots`, typed.
struct PipelineSnapshotRecord: StoredRecord {
    static let table = "pipeline_snapshots"
    let id: String
    let projectID: String
    let pipelineID: String?
    let stackID: String?
    let userID: String?
    let name: String?
    let description: String?
    let runNameTemplate: String
    let pipelineConfiguration: String
    let stepConfigurations: String
    let pipelineSpec: String?
    let clientEnvironment: String
    let clientVersion: String?
    let serverVersion: String?
    let pipelineVersionHash: String?
    let sourceCode: String?
    let codePath: String?
    let isDynamic: Bool
    let stepCount: Int64
    let created: String
    let updated: String
}

/// A stored pipeline run. One row of `pipeline_runs`, typed.
struct PipelineRunRecord: StoredRecord {
    static let table = "pipeline_runs"
    let id: String
    let projectID: String
    let name: String
    let pipelineID: String?
    let snapshotID: String?
    let stackID: String?
    let userID: String?
    let status: String
    let statusReason: String?
    let runIndex: Int64
    let orchestratorRunID: String?
    let startTime: String?
    let endTime: String?
    let config: String
    let clientEnvironment: String
    let orchestratorEnvironment: String
    let triggerInfo: String?
    let exceptionInfo: String?
    let runMetadata: String
    let created: String
    let updated: String
    let modelVersionID: String?
}

/// A stored step run (one attempt of one step of a run). One row of `step_runs`, typed.
struct StepRunRecord: StoredRecord {
    static let table = "step_runs"
    let id: String
    let projectID: String
    let pipelineRunID: String
    let name: String
    let status: String
    let startTime: String?
    let endTime: String?
    let cacheKey: String?
    let cacheExpiresAt: String?
    let codeHash: String?
    let docstring: String?
    let sourceCode: String?
    let originalStepRunID: String?
    let exceptionInfo: String?
    let version: Int64
    let snapshotID: String?
    let config: String
    let spec: String
    let runMetadata: String
    let userID: String?
    let created: String
    let updated: String
    let modelVersionID: String?
}
