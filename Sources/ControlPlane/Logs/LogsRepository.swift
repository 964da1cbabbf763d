import Storage

/// Where the client recorded a run's, step's or hook's log file (`POST /logs`).
struct LogsDraft: Sendable {
    /// The client picks the id itself; a repeat is refused.
    var id: String
    var project: String
    var uri: String?
    var source: String
    var stepRunID: String?
    var pipelineRunID: String?
    var artifactStoreID: String?
    var logStoreID: String?
    var hookInvocationID: String?
    var userID: String?
}

/// Where log records are written. The id is the primary key: a repeat is `alreadyExists`.
protocol LogsRepository: Sendable {
    /// Records the logs of `draft`.
    func create(_ draft: LogsDraft) async throws
    /// Links logs to a run, step or hook (nil links stay as they are).
    func link(id: String, pipelineRunID: String?, stepRunID: String?, hookInvocationID: String?) async throws
}
