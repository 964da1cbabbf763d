import Foundation
import OrderedCollections
import Storage

/// Running a snapshot from the server, for the ZenML API and the dashboard alike. As ZenML's
/// server does, it copies the snapshot with the run configuration applied, makes a
/// placeholder run in `initializing` ("Queued for snapshot execution.") and hands it on —
/// here to the agent pool the snapshot's stack is bound to, which runs it in the compute zone.
public struct SnapshotRuns: Sendable {
    let reads: any ResourceReader
    let pipelines: any PipelineRepository
    let runs: any RunRepository
    let queue: any SnapshotRunQueue

    /// What ZenML's server sets as a queued run's status reason.
    static let queuedReason = "Queued for snapshot execution."

    /// Runs snapshot `snapshotID` as account `userID` with `runConfiguration` (ZenML's
    /// `run_configuration`; nil: as it is), for step run `stepRun` when a step triggered it;
    /// returns the queued run's id. Refusals are `ControlPlaneError`s in ZenML's words.
    public func run(snapshotID: String, runConfiguration: JSONValue?, stepRun: String? = nil, userID: String?) async throws -> String {
        let override = try RunConfigurationOverride(runConfiguration)
        let source = try await reads.records([snapshotID.lowercased()], noun: "snapshot", detail: .full) {
            (_: WireRenderer, record: PipelineSnapshotRecord, _: Detail) in SnapshotRuns.fields(of: record)
        }.first ?? .null
        let (stackID, pool) = try await boundPool(of: source)
        let draft = try copy(source, override: override, userID: userID)
        let copyID = try await pipelines.createSnapshot(draft)
        let now = Date()
        let runDraft = RunDraft(project: draft.project, name: RunName.format(draft.runNameTemplate, source["substitutions"], at: now),
                                snapshotID: copyID, orchestratorRunID: nil, status: "initializing", startTime: Timestamp.format(now),
                                endTime: nil, orchestratorEnvironment: [:], triggerInfo: stepRun.map { ["step_run_id": .string($0)] },
                                exceptionInfo: nil, statusReason: Self.queuedReason, logsID: nil, tags: [], userID: userID)
        let (runID, _) = try await runs.createRun(runDraft)
        do {
            try await queue.enqueue(TriggeredRun(runID: runID, snapshotID: copyID, projectID: draft.project, stackID: stackID,
                                                 pool: pool, userID: userID ?? ""))
        } catch let refusal as SnapshotRunRefusal {
            try? await runs.deleteRun(id: runID)
            try? await pipelines.deleteSnapshot(id: copyID)
            throw ControlPlaneError.invalid(refusal.message)
        }
        return runID
    }

    /// Replays run `runID` (`POST /runs/{id}/replay`): its snapshot runs again with
    /// `configuration` (ZenML's `ReplayRunConfiguration`). Skipping steps or overriding
    /// their inputs is refused by name, as Enclave does not apply it yet.
    public func replay(runID: String, configuration: JSONValue?, userID: String?) async throws -> String {
        var members = configuration?.objectValue ?? [:]
        for key in ["skip_successful_steps", "steps_to_skip", "step_input_overrides", "step_default_input_overrides"] {
            if let value = members.removeValue(forKey: key), !RunConfigurationOverride.isEmpty(value), value != .bool(false) {
                throw ControlPlaneError.invalid("Enclave replays a run with all its steps; '\(key)' is not applied yet.")
            }
        }
        let original = try await reads.records([runID.lowercased()], noun: "pipeline run", detail: .full) {
            (_: WireRenderer, run: PipelineRunRecord, _: Detail) -> JSONValue in .optional(run.snapshotID)
        }.first ?? .null
        guard let snapshotID = original.stringValue else {
            throw ControlPlaneError.invalid("This run can not be replayed: its snapshot was deleted.")
        }
        return try await run(snapshotID: snapshotID, runConfiguration: .object(members), userID: userID)
    }

    /// Stops run `runID` for `user`: it leaves the queue, or its agent ends its runner. False
    /// when no agent holds or awaits it (a run started elsewhere is stopped where it runs).
    public func stop(runID: String, by user: String) async throws -> Bool {
        guard try await queue.cancel(runID: runID.lowercased()) else { return false }
        try await TriggeredRunStops(runs: runs).stopped(runID: runID.lowercased(), by: user)
        return true
    }

    /// The stack of snapshot `source` and the agent pool it is bound to; a snapshot whose
    /// stack is not bound cannot be run from the server, said in ZenML's words and then why.
    func boundPool(of source: JSONValue) async throws -> (stack: String, pool: String) {
        guard let stackID = source["stack_id"]?.stringValue else {
            throw ControlPlaneError.invalid("This snapshot can not be run via the server because it has no stack.")
        }
        let stack = try await reads.records([stackID], noun: "stack", detail: .full) {
            (_: WireRenderer, stack: StackRecord, _: Detail) -> JSONValue in
            ["name": .string(stack.name), "labels": JSONValue.parseStored(stack.labels)]
        }.first ?? .null
        guard let pool = stack["labels"]?[AgentBinding.label]?.stringValue, !pool.isEmpty else {
            let name = stack["name"]?.stringValue ?? stackID
            throw ControlPlaneError.invalid(
                "This snapshot can not be run via the server: its stack '\(name)' is not bound to an Enclave agent. "
                + "Bind it with Client().update_stack('\(name)', labels={'\(AgentBinding.label)': '<agent or pool name>'}).")
        }
        return (stackID, pool)
    }

    /// The copy of `source` a triggered run runs: the same compiled pipeline with `override` applied.
    func copy(_ source: JSONValue, override: RunConfigurationOverride, userID: String?) throws -> SnapshotDraft {
        guard let project = source["project_id"]?.stringValue, let template = source["run_name_template"]?.stringValue,
              let configuration = source["pipeline_configuration"] else { throw ControlPlaneError.invalid("This snapshot is damaged.") }
        return SnapshotDraft(project: project, pipelineID: source["pipeline_id"]?.stringValue, stackID: source["stack_id"]?.stringValue,
                             name: nil, description: nil, runNameTemplate: override.runName ?? template,
                             pipelineConfiguration: configuration,
                             stepConfigurations: try override.apply(to: source["step_configurations"] ?? [:]),
                             pipelineSpec: source["pipeline_spec"].flatMap { $0.isNull ? nil : $0 }, clientEnvironment: [:],
                             clientVersion: source["client_version"]?.stringValue, serverVersion: source["server_version"]?.stringValue,
                             pipelineVersionHash: source["pipeline_version_hash"]?.stringValue, sourceCode: source["source_code"]?.stringValue,
                             codePath: source["code_path"]?.stringValue, isDynamic: source["is_dynamic"]?.boolValue ?? false, tags: [],
                             userID: userID)
    }

    /// The stored fields of a snapshot a copy is made from.
    static func fields(of record: PipelineSnapshotRecord) -> JSONValue {
        let configuration = JSONValue.parseStored(record.pipelineConfiguration)
        return [
            "project_id": .string(record.projectID), "pipeline_id": .optional(record.pipelineID), "stack_id": .optional(record.stackID),
            "run_name_template": .string(record.runNameTemplate), "pipeline_configuration": configuration,
            "substitutions": configuration["substitutions"] ?? .null,
            "step_configurations": JSONValue.parseStored(record.stepConfigurations),
            "pipeline_spec": record.pipelineSpec.map { JSONValue.parseStored($0) } ?? .null,
            "client_version": .optional(record.clientVersion), "server_version": .optional(record.serverVersion),
            "pipeline_version_hash": .optional(record.pipelineVersionHash), "source_code": .optional(record.sourceCode),
            "code_path": .optional(record.codePath), "is_dynamic": .bool(record.isDynamic),
        ]
    }
}

extension ControlPlaneStorage {
    /// Running snapshots from the server through `queue`.
    public func snapshotRuns(queue: any SnapshotRunQueue) -> SnapshotRuns {
        SnapshotRuns(reads: reads, pipelines: pipelines, runs: runs, queue: queue)
    }
}
