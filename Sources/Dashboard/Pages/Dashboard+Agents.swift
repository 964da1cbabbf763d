import Agents
import Foundation
import Hummingbird

extension Dashboard {
    /// The agents in the compute zone, for admins: state, version, host, runs in hand, last
    /// heartbeat, and a button to revoke each one that is not revoked yet.
    @Sendable func agentsPage(_ request: Request, context: Context) async throws -> Response {
        try await admin(request) { viewer in
            let now = Date()
            let rows: [[String: Any]] = try await agents.agents().map { agent in
                ["id": agent.id, "name": agent.name, "state": agent.state(now: now, offlineAfter: agentSettings.offlineAfterSeconds).rawValue,
                 "version": agent.version, "hostname": agent.hostname, "running": agent.running, "capacity": agent.capacity,
                 "lastHeartbeat": TimeText.moment(agent.lastHeartbeat), "revoked": agent.revokedAt != nil]
            }
            return renderer.page("agents", ["user": viewer.context, "items": rows])
        }
    }

    /// Revokes an agent for good, from the agents page's form.
    @Sendable func agentRevoke(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id").lowercased()
        let form = try await Self.form(request, context)
        return try await admin(request) { viewer in
            if let refused = forgedForm(form, viewer) { return refused }
            guard try await agents.revoke(id: id) != nil else { return notFound("There is no such agent.", viewer) }
            return PageRenderer.redirect(to: "/admin/agents")
        }
    }
}
