/// ZenML's execution statuses and the rule that derives a run's status from its steps.
/// The client never reports `completed` for a run: the server works it out.
enum RunStatus {
    /// Every status the client may send for a run or a step.
    static let all: Set<String> = ["initializing", "provisioning", "queued", "running", "failed", "completed", "cached",
                                   "skipped", "retrying", "retried", "cancelling", "cancelled", "paused", "resuming",
                                   "stopped", "stopping"]
    static let finished: Set<String> = ["failed", "completed", "cached", "skipped", "retried", "stopped", "cancelled"]

    /// Whether a status is final: a finished run ignores later status updates.
    static func isFinished(_ status: String) -> Bool { finished.contains(status) }

    /// The status of a (static) run from its own status and the statuses of its latest
    /// step attempts, given how many steps its snapshot has.
    static func derive(runStatus: String, stepStatuses: [String], stepCount: Int) -> String {
        let allFinished = stepStatuses.allSatisfy(isFinished)
        if runStatus == "stopping" { return allFinished ? "stopped" : "stopping" }
        if runStatus == "failed" || stepStatuses.contains("failed") { return "failed" }
        if stepStatuses.contains("stopped") { return allFinished ? "stopped" : "stopping" }
        if stepStatuses.contains("running") || stepStatuses.contains("retrying") { return "running" }
        if stepStatuses.count < stepCount {
            return runStatus == "initializing" || runStatus == "provisioning" ? runStatus : "running"
        }
        return "completed"
    }
}
