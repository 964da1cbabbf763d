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
}
