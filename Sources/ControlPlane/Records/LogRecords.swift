/// A stored log collection of a run, a step or a hook. One row of `logs`, typed.
struct LogsRecord: StoredRecord {
    static let table = "logs"
    let id: String
    let projectID: String
    let uri: String?
    let source: String
    let stepRunID: String?
    let pipelineRunID: String?
    let artifactStoreID: String?
    let logStoreID: String?
    let hookInvocationID: String?
    let userID: String?
    let created: String
    let updated: String

    init(_ row: StoredRow) throws {
        id = try row.decode(forColumn: "id")
        projectID = try row.decode(forColumn: "project_id")
        uri = try row.decode(forColumn: "uri")
        source = try row.decode(forColumn: "source")
        stepRunID = try row.decode(forColumn: "step_run_id")
        pipelineRunID = try row.decode(forColumn: "pipeline_run_id")
        artifactStoreID = try row.decode(forColumn: "artifact_store_id")
        logStoreID = try row.decode(forColumn: "log_store_id")
        hookInvocationID = try row.decode(forColumn: "hook_invocation_id")
        userID = try row.decode(forColumn: "user_id")
        created = try row.decode(forColumn: "created")
        updated = try row.decode(forColumn: "updated")
    }
}

/// A stored invocation of a run's or step's hook. One row of `hook_invocations`, typed.
struct HookInvocationRecord: StoredRecord {
    static let table = "hook_invocations"
    let id: String
    let projectID: String
    let pipelineRunID: String
    let stepRunID: String?
    let hookType: String
    let name: String?
    let status: String
    let startTime: String
    let endTime: String?
    let source: String?
    let exceptionInfo: String?
    let outputs: String
    let userID: String?
    let created: String
    let updated: String

    init(_ row: StoredRow) throws {
        id = try row.decode(forColumn: "id")
        projectID = try row.decode(forColumn: "project_id")
        pipelineRunID = try row.decode(forColumn: "pipeline_run_id")
        stepRunID = try row.decode(forColumn: "step_run_id")
        hookType = try row.decode(forColumn: "hook_type")
        name = try row.decode(forColumn: "name")
        status = try row.decode(forColumn: "status")
        startTime = try row.decode(forColumn: "start_time")
        endTime = try row.decode(forColumn: "end_time")
        source = try row.decode(forColumn: "source")
        exceptionInfo = try row.decode(forColumn: "exception_info")
        outputs = try row.decode(forColumn: "outputs")
        userID = try row.decode(forColumn: "user_id")
        created = try row.decode(forColumn: "created")
        updated = try row.decode(forColumn: "updated")
    }
}
