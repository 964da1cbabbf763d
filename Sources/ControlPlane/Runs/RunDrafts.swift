/// A pipeline run as the client asks for it (`POST /runs`): checked fields, no storage.
struct RunDraft: Sendable {
    var project: String
    var name: String
    var snapshotID: String
    var orchestratorRunID: String?
    var status: String
    var startTime: String
    var endTime: String?
    /// Without `python_packages`, which the server does not keep.
    var orchestratorEnvironment: JSONValue
    var triggerInfo: JSONValue?
    var exceptionInfo: JSONValue?
    var statusReason: String?
    var logsID: String?
    var tags: [TagSpec]
    var userID: String?
}

/// A partial update of a run (`PUT /runs/{id}`); nil fields stay as they are.
struct RunChange: Sendable {
    var status: String?
    /// Whether `status_reason` was sent (a null then clears it).
    var setsStatusReason = false
    var statusReason: String?
    var endTime: String?
    var orchestratorRunID: String?
    var exceptionInfo: JSONValue?
    var tags = ResourceTagChange()
}

/// A step run as the client reports it (`POST /steps`).
struct StepRunDraft: Sendable {
    var runID: String
    var name: String
    var status: String
    var startTime: String?
    var endTime: String?
    var cacheKey: String?
    var cacheExpiresAt: String?
    var codeHash: String?
    var docstring: String?
    var sourceCode: String?
    var originalStepRunID: String?
    var exceptionInfo: JSONValue?
    /// The step's configuration when it is not in the snapshot (dynamic pipelines).
    var dynamicConfig: JSONValue?
    /// Parent step ids as sent; empty means "the spec's upstream steps".
    var parentIDs: [String]
    var inputs: [(String, [String])]
    var outputs: [(String, [String])]
    var logsID: String?
    var userID: String?
}

/// A partial update of a step run (`PUT /steps/{id}`).
struct StepRunChange: Sendable {
    var status: String?
    var outputs: [(String, [String])]
    var endTime: String?
    var exceptionInfo: JSONValue?
    var userID: String?
}
