import ControlPlane
import Foundation
import Hummingbird
import OrderedCollections

extension Dashboard {
    /// A pipeline's named snapshots for its page: where each runs (the agent pool its stack is
    /// bound to) and, for editors, a form with each step parameter to run it with.
    func snapshotRows(pipelineID: String, viewer: Viewer) async throws -> [[String: Any]] {
        let mayRun = snapshotRuns != nil && viewer.principal.role.canWrite
        return try await pipelines.snapshots(pipelineID: pipelineID).map { snapshot in
            ["id": snapshot.id, "name": snapshot.name, "stack": snapshot.stackName ?? "", "pool": snapshot.pool ?? "",
             "runnable": mayRun && snapshot.pool != nil,
             "parameters": snapshot.parameters.map { ["step": $0.step, "name": $0.name, "value": $0.value, "field": "p:\($0.step):\($0.name)"] }]
        }
    }

    /// Runs a snapshot from its pipeline's page with the parameters the form holds (CSRF-checked,
    /// editors and admins), then shows the queued run.
    @Sendable func snapshotRun(_ request: Request, context: Context) async throws -> Response {
        let pipelineID = try context.parameters.require("id").lowercased()
        let snapshotID = try context.parameters.require("snapshot").lowercased()
        let form = try await Self.form(request, context)
        return try await signedIn(request) { viewer in
            if let refused = forgedForm(form, viewer) { return refused }
            guard let snapshotRuns, viewer.principal.role.canWrite else {
                return renderer.page("message", ["heading": "Refused", "text": "Only editors and admins run pipelines.", "user": viewer.context],
                                     status: .forbidden)
            }
            guard let snapshot = try await pipelines.snapshots(pipelineID: pipelineID).first(where: { $0.id == snapshotID }) else {
                return notFound("There is no such snapshot.", viewer)
            }
            var steps: OrderedDictionary<String, JSONValue> = [:]
            for parameter in snapshot.parameters {
                guard let sent = form["p:\(parameter.step):\(parameter.name)"], sent != parameter.value else { continue }
                let value = (try? JSONValue.parse(Array(sent.utf8))) ?? .string(sent)
                var step = steps[parameter.step]?["parameters"]?.objectValue ?? [:]
                step[parameter.name] = value
                steps[parameter.step] = ["parameters": .object(step)]
            }
            do {
                let runID = try await snapshotRuns.run(snapshotID: snapshot.id, runConfiguration: steps.isEmpty ? nil : ["steps": .object(steps)],
                                                       userID: viewer.principal.userID)
                return PageRenderer.redirect(to: "/runs/\(runID)")
            } catch let refusal as ControlPlaneError {
                return renderer.page("message", ["heading": "Not started", "text": refusal.sentence, "user": viewer.context], status: .badRequest)
            }
        }
    }

    /// Stops a run started from Enclave (CSRF-checked, editors and admins).
    @Sendable func runStop(_ request: Request, context: Context) async throws -> Response {
        let runID = try context.parameters.require("id").lowercased()
        let form = try await Self.form(request, context)
        return try await signedIn(request) { viewer in
            if let refused = forgedForm(form, viewer) { return refused }
            guard let snapshotRuns, viewer.principal.role.canWrite else {
                return renderer.page("message", ["heading": "Refused", "text": "Only editors and admins stop runs.", "user": viewer.context],
                                     status: .forbidden)
            }
            guard try await snapshotRuns.stop(runID: runID, by: viewer.principal.name) else {
                return renderer.page("message", ["heading": "Not stopped",
                                                 "text": "This run is not queued for or held by an Enclave agent: stop it where it runs.",
                                                 "user": viewer.context], status: .conflict)
            }
            return PageRenderer.redirect(to: "/runs/\(runID)")
        }
    }
}
