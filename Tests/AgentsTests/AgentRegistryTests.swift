import Foundation
import Hummingbird
import HummingbirdTesting
import PostgresTesting
import Testing
@testable import Agents
import Identity

/// The agent registry through its HTTP API on each engine: who may register and report,
/// what an admin sees, revocation, restarts, and names raced for by several accounts.
@Suite struct AgentRegistryTests {
    static func app(_ database: AgentsDatabase, heartbeat: Int = 10) async throws -> (some ApplicationProtocol, Callers) {
        let identity = try await database.identity()
        let callers = try await Callers.make(identity)
        let router = Router()
        AgentsAPI<BasicRequestContext>(agents: database.agents, jobs: database.jobs, outcomes: FailedRuns(), identity: identity,
                                       settings: AgentSettings(heartbeatSeconds: heartbeat))
            .addRoutes(to: router)
        return (Application(router: router), callers)
    }

    static let registration = #"{"name":"gpu-1","version":"1.2.3","hostname":"node7","capacity":2}"#

    @Test(arguments: TestEngine.tested)
    func anAgentRegistersReportsAndIsListedUntilRevoked(engine: TestEngine) async throws {
        try await AgentsDatabase.with(engine) { database in
            let (app, callers) = try await Self.app(database)
            try await app.test(.router) { client in
                let registered = try await client.call(.post, "/api/enclave/agents", callers.agent, Self.registration)
                #expect(registered.status == .created)
                let id = try #require(registered.body["id"] as? String)
                #expect(registered.body["heartbeat_seconds"] as? Int == 10 && registered.body["state"] as? String == "online")

                let beat = try await client.call(.post, "/api/enclave/agents/\(id)/heartbeat", callers.agent, #"{"running":1,"capacity":2}"#)
                #expect(beat.status == .ok && beat.body["running"] as? Int == 1)

                let listed = try await client.call(.get, "/api/enclave/agents", callers.admin)
                let items = try #require(listed.body["items"] as? [[String: Any]])
                #expect(items.count == 1)
                #expect(items.first?["name"] as? String == "gpu-1" && items.first?["version"] as? String == "1.2.3")
                #expect(items.first?["capacity"] as? Int == 2 && items.first?["hostname"] as? String == "node7")
                #expect((items.first?["last_heartbeat"] as? String)?.isEmpty == false)

                // A restart registers again: the same agent, nothing running.
                let again = try await client.call(.post, "/api/enclave/agents", callers.agent, Self.registration)
                #expect(again.status == .created && again.body["id"] as? String == id && again.body["running"] as? Int == 0)

                let revoked = try await client.call(.post, "/api/enclave/agents/\(id)/revoke", callers.admin)
                #expect(revoked.status == .ok && revoked.body["state"] as? String == "revoked")
                let refused = try await client.call(.post, "/api/enclave/agents/\(id)/heartbeat", callers.agent, #"{"running":0,"capacity":2}"#)
                #expect(refused.status == .forbidden && refused.detail.contains("revoked"))
                let reRegistered = try await client.call(.post, "/api/enclave/agents", callers.agent, Self.registration)
                #expect(reRegistered.status == .forbidden && reRegistered.detail.contains("revoked"))
                let still = try await client.call(.get, "/api/enclave/agents", callers.admin)
                #expect((still.body["items"] as? [[String: Any]])?.first?["state"] as? String == "revoked")
            }
        }
    }

    @Test(arguments: TestEngine.tested)
    func onlyTheRightAccountsMayCallAndBadBodiesAreRefused(engine: TestEngine) async throws {
        try await AgentsDatabase.with(engine) { database in
            let (app, callers) = try await Self.app(database)
            try await app.test(.router) { client in
                let id = try #require(try await client.call(.post, "/api/enclave/agents", callers.agent, Self.registration).body["id"] as? String)
                // Another agent account neither reports for it nor takes its name.
                let other = try await client.call(.post, "/api/enclave/agents/\(id)/heartbeat", callers.otherAgent, #"{"running":0,"capacity":1}"#)
                #expect(other.status == .forbidden && other.detail.contains("another account"))
                let taken = try await client.call(.post, "/api/enclave/agents", callers.otherAgent, Self.registration)
                #expect(taken.status == .conflict && taken.detail.contains("gpu-1"))
                // An editor's key is no agent; an agent's key is no admin; no key is nobody.
                #expect(try await client.call(.post, "/api/enclave/agents", callers.editor, Self.registration).status == .forbidden)
                #expect(try await client.call(.get, "/api/enclave/agents", callers.agent).status == .forbidden)
                #expect(try await client.call(.post, "/api/enclave/agents/\(id)/revoke", callers.agent).status == .forbidden)
                #expect(try await client.call(.get, "/api/enclave/agents", nil).status == .unauthorized)
                #expect(try await client.call(.get, "/api/enclave/agents", "not-a-key").status == .unauthorized)
                #expect(try await client.call(.post, "/api/enclave/agents/\(UUID().uuidString)/heartbeat", callers.agent,
                                              #"{"running":0,"capacity":1}"#).status == .notFound)
                #expect(try await client.call(.post, "/api/enclave/agents/\(UUID().uuidString)/revoke", callers.admin).status == .notFound)
                for body in [#"{"name":"gpu 1","version":"1","hostname":"h","capacity":1}"#,
                             #"{"name":"gpu-2","version":"1","hostname":"h","capacity":0}"#,
                             #"{"name":"gpu-2","version":"1","hostname":"h","capacity":true}"#,
                             #"{"name":"gpu-2","version":"1","hostname":"h","capacity":99999999999999999999}"#,
                             #"{"name":"gpu-2","version":"1","hostname":"h\u0000","capacity":1}"#,
                             #"{"name":"gpu-2","version":"1","hostname":"h"}"#, "[]", "not json", String(repeating: "x", count: 70_000)] {
                    let answer = try await client.call(.post, "/api/enclave/agents", callers.agent, body)
                    #expect(answer.status == .unprocessableContent && !answer.detail.isEmpty, "\(body.prefix(80)): \(answer.status)")
                }
                let over = try await client.call(.post, "/api/enclave/agents/\(id)/heartbeat", callers.agent, #"{"running":3,"capacity":2}"#)
                #expect(over.status == .unprocessableContent)
            }
        }
    }

    @Test(arguments: TestEngine.tested)
    func severalAccountsRacingForOneNameLeaveOneHolder(engine: TestEngine) async throws {
        try await AgentsDatabase.with(engine) { database in
            let agents = database.agents
            let time = "2026-12-05T00:00:00.000000"
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<12 {
                    group.addTask {
                        let draft = AgentDraft(name: "shared", accountID: "account-\(index)", version: "1", hostname: "h", capacity: 1)
                        return (try? await agents.register(draft, at: time)) != nil
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            let held = try await agents.agents()
            #expect(held.count == 1)
        }
    }

    @Test func anAgentIsOfflineAfterThreeMissedHeartbeats() {
        let agent = Agent(id: "a", name: "a", accountID: "x", version: "1", hostname: "h", capacity: 1, running: 0,
                          registeredAt: "2026-12-05T10:00:00.000000", lastHeartbeat: "2026-12-05T10:00:00.000000", revokedAt: nil, pool: "a")
        let last = Date(timeIntervalSince1970: 1_796_464_800)  // 2026-12-05T10:00:00Z
        #expect(agent.state(now: last.addingTimeInterval(29), offlineAfter: 30) == .online)
        #expect(agent.state(now: last.addingTimeInterval(31), offlineAfter: 30) == .offline)
    }
}
