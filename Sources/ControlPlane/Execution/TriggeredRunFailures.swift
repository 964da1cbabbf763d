import Foundation
import Storage

/// Ends a triggered run that a user stopped: its agent ends the runner, whose steps will not
/// say so themselves.
struct TriggeredRunStops: Sendable {
    let runs: any RunRepository

    /// Marks run `runID` stopped by `user`.
    func stopped(runID: String, by user: String) async throws {
        let change = RunChange(status: "stopped", setsStatusReason: true,
                               statusReason: "Stopped by \(user); the agent running it ended its runner.", endTime: Timestamp.now())
        try await runs.updateRun(id: runID, change, userID: nil)
    }
}

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
