import GRDB
import Storage

/// ZenML's step retries: a step configured with `retry.max_retries` N has N + 1 attempts;
/// a failed attempt with retries left is `retrying`, and the next attempt of the same step
/// in the same run marks it `retried`, so the run's status follows the last attempt.
enum StepRetries {
    /// The retries a step's stored configuration allows, 0 without a `retry` section.
    static func maximum(config: String?) -> Int {
        Int(clamping: JSONValue.parseStored(config)["retry"]?["max_retries"]?.intValue ?? 0)
    }

    /// Whether attempt `attempt` (from 1) may still be retried.
    static func left(config: String?, attempt: Int) -> Bool {
        attempt <= maximum(config: config)
    }

    /// A new attempt of `step` in run `runID` supersedes the attempt waiting to be retried.
    static func supersede(step: String, inRun runID: String, db: GRDB.Database) throws {
        try db.execute(sql: "UPDATE step_runs SET status = 'retried', updated = ? WHERE pipeline_run_id = ? AND name = ? AND status = 'retrying'",
                       arguments: [Timestamp.now(), runID, step])
    }
}
