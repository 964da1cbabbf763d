@testable import ControlPlane
import Testing

@Suite struct RunStatusTests {
    @Test func completedWhenEveryStepSucceeded() {
        #expect(RunStatus.derive(runStatus: "running", stepStatuses: ["completed", "cached", "completed"], stepCount: 3) == "completed")
    }

    @Test func placeholderKeepsItsStatusWhileCachedStepsArrive() {
        #expect(RunStatus.derive(runStatus: "initializing", stepStatuses: ["cached"], stepCount: 2) == "initializing")
        #expect(RunStatus.derive(runStatus: "initializing", stepStatuses: ["cached", "cached"], stepCount: 2) == "completed")
    }

    @Test func runningWhileAnyStepRunsOrStepsAreMissing() {
        #expect(RunStatus.derive(runStatus: "running", stepStatuses: ["completed", "running"], stepCount: 3) == "running")
        #expect(RunStatus.derive(runStatus: "running", stepStatuses: ["completed"], stepCount: 3) == "running")
    }

    @Test func failedWinsAndStoppingWaitsForSteps() {
        #expect(RunStatus.derive(runStatus: "running", stepStatuses: ["completed", "failed"], stepCount: 4) == "failed")
        #expect(RunStatus.derive(runStatus: "stopping", stepStatuses: ["running"], stepCount: 2) == "stopping")
        #expect(RunStatus.derive(runStatus: "stopping", stepStatuses: ["completed", "stopped"], stepCount: 2) == "stopped")
    }

    @Test func substitutionsComeFromTheStartTime() {
        let value = RunLifecycle.substitutions(start: "2026-11-26T18:06:12.449768", configured: ["team": "ml"])
        #expect(value == ["date": "2026_11_26", "time": "18_06_12_449768", "team": "ml"])
    }
}
