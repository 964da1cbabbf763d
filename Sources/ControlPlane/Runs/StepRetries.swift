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
}
