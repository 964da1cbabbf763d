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

    init(_ row: StoredRow) throws {
        id = try row.decode(forColumn: "id")
        projectID = try row.decode(forColumn: "project_id")
        name = try row.decode(forColumn: "name")
        description = try row.decode(forColumn: "description")
        userID = try row.decode(forColumn: "user_id")
        created = try row.decode(forColumn: "created")
        updated = try row.decode(forColumn: "updated")
    }
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

    init(_ row: StoredRow) throws {
        id = try row.decode(forColumn: "id")
        projectID = try row.decode(forColumn: "project_id")
        pipelineID = try row.decode(forColumn: "pipeline_id")
        stackID = try row.decode(forColumn: "stack_id")
        userID = try row.decode(forColumn: "user_id")
        name = try row.decode(forColumn: "name")
        description = try row.decode(forColumn: "description")
        runNameTemplate = try row.decode(forColumn: "run_name_template")
        pipelineConfiguration = try row.decode(forColumn: "pipeline_configuration")
        stepConfigurations = try row.decode(forColumn: "step_configurations")
        pipelineSpec = try row.decode(forColumn: "pipeline_spec")
        clientEnvironment = try row.decode(forColumn: "client_environment")
        clientVersion = try row.decode(forColumn: "client_version")
        serverVersion = try row.decode(forColumn: "server_version")
        pipelineVersionHash = try row.decode(forColumn: "pipeline_version_hash")
        sourceCode = try row.decode(forColumn: "source_code")
        codePath = try row.decode(forColumn: "code_path")
        isDynamic = try row.decode(forColumn: "is_dynamic")
        stepCount = try row.decode(forColumn: "step_count")
        created = try row.decode(forColumn: "created")
        updated = try row.decode(forColumn: "updated")
    }
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

    init(_ row: StoredRow) throws {
        id = try row.decode(forColumn: "id")
        projectID = try row.decode(forColumn: "project_id")
        name = try row.decode(forColumn: "name")
        pipelineID = try row.decode(forColumn: "pipeline_id")
        snapshotID = try row.decode(forColumn: "snapshot_id")
        stackID = try row.decode(forColumn: "stack_id")
        userID = try row.decode(forColumn: "user_id")
        status = try row.decode(forColumn: "status")
        statusReason = try row.decode(forColumn: "status_reason")
        runIndex = try row.decode(forColumn: "run_index")
        orchestratorRunID = try row.decode(forColumn: "orchestrator_run_id")
        startTime = try row.decode(forColumn: "start_time")
        endTime = try row.decode(forColumn: "end_time")
        config = try row.decode(forColumn: "config")
        clientEnvironment = try row.decode(forColumn: "client_environment")
        orchestratorEnvironment = try row.decode(forColumn: "orchestrator_environment")
        triggerInfo = try row.decode(forColumn: "trigger_info")
        exceptionInfo = try row.decode(forColumn: "exception_info")
        runMetadata = try row.decode(forColumn: "run_metadata")
        created = try row.decode(forColumn: "created")
        updated = try row.decode(forColumn: "updated")
        modelVersionID = try row.decode(forColumn: "model_version_id")
    }
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

    init(_ row: StoredRow) throws {
        id = try row.decode(forColumn: "id")
        projectID = try row.decode(forColumn: "project_id")
        pipelineRunID = try row.decode(forColumn: "pipeline_run_id")
        name = try row.decode(forColumn: "name")
        status = try row.decode(forColumn: "status")
        startTime = try row.decode(forColumn: "start_time")
        endTime = try row.decode(forColumn: "end_time")
        cacheKey = try row.decode(forColumn: "cache_key")
        cacheExpiresAt = try row.decode(forColumn: "cache_expires_at")
        codeHash = try row.decode(forColumn: "code_hash")
        docstring = try row.decode(forColumn: "docstring")
        sourceCode = try row.decode(forColumn: "source_code")
        originalStepRunID = try row.decode(forColumn: "original_step_run_id")
        exceptionInfo = try row.decode(forColumn: "exception_info")
        version = try row.decode(forColumn: "version")
        snapshotID = try row.decode(forColumn: "snapshot_id")
        config = try row.decode(forColumn: "config")
        spec = try row.decode(forColumn: "spec")
        runMetadata = try row.decode(forColumn: "run_metadata")
        userID = try row.decode(forColumn: "user_id")
        created = try row.decode(forColumn: "created")
        updated = try row.decode(forColumn: "updated")
        modelVersionID = try row.decode(forColumn: "model_version_id")
    }
}
