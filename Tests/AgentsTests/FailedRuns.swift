import Agents
import Synchronization

/// The control plane's side of `TriggeredRunOutcomes` as these tests see it: which runs the
/// agents' side said failed, and why.
final class FailedRuns: TriggeredRunOutcomes {
    let failed = Mutex<[String: String]>([:])

    func runFailed(runID: String, reason: String) async throws {
        failed.withLock { $0[runID] = reason }
    }

    var reasons: [String: String] { failed.withLock { $0 } }
}
