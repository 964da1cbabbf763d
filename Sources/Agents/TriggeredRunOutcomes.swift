/// How the agents' side tells the control plane that a triggered run ended without the run
/// saying so itself (its process died, it timed out, its agent was lost, it was stopped
/// before it started). Implemented where both modules meet, so neither writes the other's tables.
public protocol TriggeredRunOutcomes: Sendable {
    /// Marks run `runID` failed with `reason`, unless it already ended.
    func runFailed(runID: String, reason: String) async throws
}
