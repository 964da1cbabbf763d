import ControlPlane
import Foundation
import Hummingbird

extension Dashboard {
    static var pageSize: Int { 25 }
    static var runStatuses: [String] { ["initializing", "provisioning", "running", "completed", "failed", "cached", "stopped"] }

    @Sendable func pipelineList(_ request: Request, context: Context) async throws -> Response {
        try await signedIn(request) { viewer in
            let page = try await pipelines.pipelines(page: Self.pageNumber(request), size: Self.pageSize)
            let items: [[String: Any]] = page.items.map { pipeline in
                ["id": pipeline.id, "name": pipeline.name, "runCount": pipeline.runCount, "latestRunAt": TimeText.moment(pipeline.latestRunAt),
                 "latestStatus": pipeline.latestStatus as Any]
            }
            return renderer.page("pipelines", ["user": viewer.context, "items": items, "pager": Self.pager(page, base: "/pipelines")])
        }
    }

    @Sendable func pipelineRuns(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id").lowercased()
        return try await signedIn(request) { viewer in
            let status = Self.query(request, "status").flatMap { Self.runStatuses.contains($0) ? $0 : nil }
            let page = try await pipelines.runs(pipelineID: id, status: status, page: Self.pageNumber(request), size: Self.pageSize)
            guard let name = try await pipelines.pipelineName(id: id) else {
                return notFound("There is no such pipeline.", viewer)
            }
            let snapshots = try await snapshotRows(pipelineID: id, viewer: viewer)
            return renderer.page("runs", [
                "user": viewer.context, "pipeline": name, "pipelineID": id, "status": status as Any,
                "snapshots": snapshots, "hasSnapshots": !snapshots.isEmpty,
                "statuses": Self.runStatuses.map { ["value": $0, "on": $0 == status] },
                "items": page.items.map(Self.runRow),
                "pager": Self.pager(page, base: "/pipelines/\(id)" + (status.map { "?status=\($0)" } ?? "")),
            ])
        }
    }

    static func runRow(_ run: RunSummary) -> [String: Any] {
        ["id": run.id, "name": run.name, "status": run.status, "startTime": TimeText.moment(run.startTime),
         "duration": TimeText.duration(from: run.startTime, to: run.endTime), "userName": run.userName ?? "", "tags": run.tags,
         "modelVersion": run.modelVersion ?? "", "pipelineID": run.pipelineID as Any, "pipelineName": run.pipelineName ?? ""]
    }

    @Sendable func runPage(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        return try await signedIn(request) { viewer in
            guard let run = try await pipelines.run(id: id) else {
                return notFound("There is no such run.", viewer)
            }
            var durations: [String: String] = [:]
            for step in run.steps { durations[step.id] = TimeText.duration(from: step.startTime, to: step.endTime) }
            let steps: [[String: Any]] = run.steps.map { step in
                func artifacts(_ list: [StepArtifact]) -> [[String: Any]] {
                    list.map { ["name": $0.name, "artifactName": $0.artifactName, "version": $0.version, "type": $0.type, "versionID": $0.versionID] }
                }
                let metadata = JSONText.pretty(step.metadata)
                return ["id": step.id, "name": step.name, "status": step.status, "startTime": TimeText.moment(step.startTime),
                        "duration": durations[step.id] ?? "", "cache": step.status == "cached" ? "reused an earlier run's outputs" : (step.cacheKey == nil ? "off" : "computed"),
                        "inputs": artifacts(step.inputs), "outputs": artifacts(step.outputs),
                        "configuration": JSONText.pretty(step.configuration), "metadata": metadata == "{}" ? "" : metadata]
            }
            var page = Self.runRow(run.summary)
            page["user"] = viewer.context
            page["graph"] = RunGraph(steps: run.steps, durations: durations).context
            page["steps"] = steps
            page["metadata"] = JSONText.pretty(run.metadata)
            page["configuration"] = JSONText.pretty(run.configuration)
            if let log = try await agentJobs?.runnerLog(runID: run.summary.id) {
                page["runnerLog"] = log.utf8.count > 256 * 1024 ? "…" + String(log.suffix(200_000)) : log
            }
            if !["completed", "failed", "cached", "stopped"].contains(run.summary.status) {
                page["refresh"] = 5
                page["mayStop"] = snapshotRuns != nil && viewer.principal.role.canWrite
            }
            return renderer.page("run", page)
        }
    }
}
