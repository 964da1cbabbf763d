import Foundation
import Storage

/// Ends a triggered run as failed from outside the run itself (its agent said its process
/// died, or stopped reporting). A run that already ended keeps its status.
public struct TriggeredRunFailures: Sendable {
    let runs: any RunRepository

    /// Marks run `runID` failed with `reason`; a run that is gone is left gone.
    public func fail(runID: String, reason: String) async throws {
        let change = RunChange(status: "failed", setsStatusReason: true, statusReason: String(reason.prefix(2000)),
                               endTime: Timestamp.now())
        do {
            try await runs.updateRun(id: runID, change, userID: nil)
        } catch ControlPlaneError.notFound {
            return
        }
    }
}
