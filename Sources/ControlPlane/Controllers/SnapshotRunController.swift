import OrderedCollections
import Foundation
import Hummingbird
import Storage

/// `POST /pipeline_snapshots/{id}/runs`: ZenML's "run this snapshot from the server". As
/// ZenML's server does, it copies the snapshot with the run configuration applied, makes a
/// placeholder run in `initializing` ("Queued for snapshot execution.") and hands it on;
/// here to the agent the snapshot's stack is bound to, which runs it in the compute zone.
struct SnapshotRunController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints
    let pipelines: any PipelineRepository
    let runs: any RunRepository
    let queue: any SnapshotRunQueue

    /// What ZenML's server sets as a queued run's status reason.
    static var queuedReason: String { "Queued for snapshot execution." }

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("pipeline_snapshots/:id/runs", use: run)
    }

    @Sendable func run(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let id = try context.parameters.require("id").lowercased()
        let override = try RunConfigurationOverride(fields.raw("run_configuration"))
        let stepRun = try fields.uuid("step_run")
        return try await endpoints.write(request, context) { principal in
            let source = try await endpoints.reads.records([id], noun: "snapshot", detail: .full) {
                (_: WireRenderer, record: PipelineSnapshotRecord, _: Detail) in SnapshotRunController.fields(of: record)
            }.first ?? .null
            let (stackID, pool) = try await boundAgent(of: source)
            let draft = try copy(source, override: override, userID: principal.userID)
            let snapshotID = try await pipelines.createSnapshot(draft)
            let now = Date()
            let runDraft = RunDraft(project: draft.project, name: RunName.format(draft.runNameTemplate, source["substitutions"], at: now),
                                    snapshotID: snapshotID, orchestratorRunID: nil, status: "initializing", startTime: Timestamp.format(now),
                                    endTime: nil, orchestratorEnvironment: [:],
                                    triggerInfo: stepRun.map { ["step_run_id": .string($0)] }, exceptionInfo: nil,
                                    statusReason: Self.queuedReason, logsID: nil, tags: [], userID: principal.userID)
            let (runID, _) = try await runs.createRun(runDraft)
            do {
                try await queue.enqueue(TriggeredRun(runID: runID, snapshotID: snapshotID, projectID: draft.project, stackID: stackID,
                                                     pool: pool, userID: principal.userID ?? ""))
            } catch let refusal as SnapshotRunRefusal {
                try? await runs.deleteRun(id: runID)
                try? await pipelines.deleteSnapshot(id: snapshotID)
                throw ControlPlaneError.invalid(refusal.message)
            }
            return try await endpoints.render(id: runID, noun: "pipeline run") { try $0.run($1, detail: $2) }
        }
    }

    /// The stack of snapshot `source` and the agent it is bound to; a snapshot whose stack is
    /// not bound to one cannot be run from the server, said in ZenML's words and then why.
    func boundAgent(of source: JSONValue) async throws -> (stack: String, agent: String) {
        guard let stackID = source["stack_id"]?.stringValue else {
            throw ControlPlaneError.invalid("This snapshot can not be run via the server because it has no stack.")
        }
        let stack = try await endpoints.reads.records([stackID], noun: "stack", detail: .full) {
            (_: WireRenderer, stack: StackRecord, _: Detail) -> JSONValue in
            ["name": .string(stack.name), "labels": JSONValue.parseStored(stack.labels)]
        }.first ?? .null
        guard let agent = stack["labels"]?[AgentBinding.label]?.stringValue, !agent.isEmpty else {
            let name = stack["name"]?.stringValue ?? stackID
            throw ControlPlaneError.invalid(
                "This snapshot can not be run via the server: its stack '\(name)' is not bound to an Enclave agent. "
                + "Bind it with Client().update_stack('\(name)', labels={'\(AgentBinding.label)': '<agent or pool name>'}).")
        }
        return (stackID, agent)
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

/// A run's name from its snapshot's template, as ZenML fills it: `{date}` and `{time}` of the
/// start (UTC), then the pipeline's substitutions.
enum RunName {
    static func format(_ template: String, _ substitutions: JSONValue?, at time: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy_MM_dd"
        let date = formatter.string(from: time)
        formatter.dateFormat = "HH_mm_ss_SSSSSS"
        let clock = formatter.string(from: time)
        var filled: OrderedDictionary<String, JSONValue> = substitutions?.objectValue ?? [:]
        if filled["date"] == nil { filled["date"] = .string(date) }
        if filled["time"] == nil { filled["time"] = .string(clock) }
        return ModelVersionDraft.substitute(template, .object(filled))
    }
}
