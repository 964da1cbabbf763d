import Foundation
import Hummingbird
import HummingbirdTesting
import PostgresTesting
import Storage
import Testing
@testable import Agents
import Identity

/// The agents' run queue on each engine: a queued run goes to exactly one agent of its pool,
/// with a token that acts for that run; only the holder reports for it; leases that run out
/// fail or re-queue the run as configured; a stopped run is taken from its agent.
@Suite struct AgentRunQueueTests {
    static func app(_ database: AgentsDatabase, failures: FailedRuns, lostRuns: LostRunPolicy = .fail)
        async throws -> (some ApplicationProtocol, Callers, IdentityStore) {
        let identity = try await database.identity()
        let callers = try await Callers.make(identity)
        let router = Router()
        AgentsAPI<BasicRequestContext>(agents: database.agents, jobs: database.jobs, outcomes: failures, identity: identity,
                                       settings: AgentSettings(heartbeatSeconds: 1, lostRuns: lostRuns, runTimeoutSeconds: 600))
            .addRoutes(to: router)
        return (Application(router: router), callers, identity)
    }

    static func registration(_ name: String, pool: String) -> String {
        #"{"name":"\#(name)","version":"1","hostname":"h","capacity":4,"pool":"\#(pool)"}"#
    }

    static func draft(_ pool: String, user: String) -> AgentJobDraft {
        AgentJobDraft(runID: UUID().uuidString.lowercased(), snapshotID: UUID().uuidString.lowercased(),
                      projectID: UUID().uuidString.lowercased(), stackID: UUID().uuidString.lowercased(), pool: pool, userID: user)
    }

    @Test(arguments: TestEngine.tested)
    func aRunGoesToOneAgentOfItsPoolWhichAloneReportsForIt(engine: TestEngine) async throws {
        try await AgentsDatabase.with(engine) { database in
            let failures = FailedRuns()
            let (app, callers, identity) = try await Self.app(database, failures: failures)
            let admin = try await identity.account("admin")
            try await app.test(.router) { client in
                let first = try await client.call(.post, "/api/enclave/agents", callers.agent, Self.registration("gpu-1", pool: "gpu"))
                let second = try await client.call(.post, "/api/enclave/agents", callers.otherAgent, Self.registration("gpu-2", pool: "gpu"))
                let (one, two) = (try #require(first.body["id"] as? String), try #require(second.body["id"] as? String))
                #expect(first.body["pool"] as? String == "gpu")

                let nothing = try await client.call(.post, "/api/enclave/agents/\(one)/claim", callers.agent, #"{"wait":0}"#)
                #expect(nothing.status == .ok && nothing.body["job"] is NSNull)

                // A run queued while an agent waits ends the wait unclaimed: only a request's first moment
                // claims, so an agent gone while waiting never holds a run it cannot receive.
                let started = Date()
                async let waiting = client.call(.post, "/api/enclave/agents/\(one)/claim", callers.agent, #"{"wait":10}"#)
                try await Task.sleep(for: .milliseconds(400))
                let queued = try await database.jobs.enqueue(Self.draft("gpu", user: admin.id), at: Timestamp.now())
                let woken = try await waiting
                #expect(woken.body["job"] is NSNull && Date().timeIntervalSince(started) < 8, "the wait ends when a run is queued")
                #expect(try await database.jobs.job(runID: queued.runID)?.state == .queued)
                let claimed = try await client.call(.post, "/api/enclave/agents/\(one)/claim", callers.agent, #"{"wait":0}"#)
                let job = try #require(claimed.body["job"] as? [String: Any])
                #expect(job["run_id"] as? String == queued.runID && job["timeout_seconds"] as? Int == 600)
                let again = try await client.call(.post, "/api/enclave/agents/\(two)/claim", callers.otherAgent, #"{"wait":0}"#)
                #expect(again.body["job"] is NSNull, "a claimed run is never handed out twice")

                // The run's token acts as the account that triggered the run, and is no agent key.
                let token = try #require(job["token"] as? String)
                let principal = try #require(try await identity.principal(forAPIKeyOrToken: token))
                #expect(principal.userID == admin.id && principal.role == .admin)
                let asAgent = try await client.call(.post, "/api/enclave/agents/\(one)/claim", token, #"{"wait":0}"#)
                #expect(asAgent.status == .forbidden)

                // Another agent (and another account's key for this agent) may not report for it.
                let report = #"{"state":"failed","outcome":"The runner exited with status 1: boom"}"#
                let foreign = try await client.call(.post, "/api/enclave/agents/\(two)/runs/\(queued.runID)", callers.otherAgent, report)
                #expect(foreign.status == .forbidden && foreign.detail.contains("Another agent holds this run"), "\(foreign.body)")
                let stolen = try await client.call(.post, "/api/enclave/agents/\(one)/runs/\(queued.runID)", callers.otherAgent, report)
                #expect(stolen.status == .forbidden)
                #expect(failures.reasons.isEmpty)

                // The holder streams the runner log; a chunk sent again is kept once, another agent's is refused.
                let log = "/api/enclave/agents/\(one)/runs/\(queued.runID)/log"
                for (offset, text) in [(0, "step load started\n"), (18, "loading 3 rows\n"), (18, "loading 3 rows\n")] {
                    let sent = try await client.call(.post, log, callers.agent, #"{"offset":\#(offset),"text":"\#(text.replacingOccurrences(of: "\n", with: "\\n"))"}"#)
                    #expect(sent.status == .ok, "\(sent.body)")
                }
                let foreignLog = try await client.call(.post, "/api/enclave/agents/\(two)/runs/\(queued.runID)/log", callers.otherAgent,
                                                       #"{"offset":33,"text":"forged\n"}"#)
                #expect(foreignLog.status == .forbidden)
                let huge = try await client.call(.post, log, callers.agent, #"{"offset":99999999999,"text":"x"}"#)
                #expect(huge.status == .unprocessableContent)
                let read = try await client.execute(uri: "/api/enclave/runs/\(queued.runID)/log", method: .get,
                                                    headers: [.authorization: "Bearer \(callers.admin)"]) { String(buffer: $0.body) }
                #expect(read == "step load started\nloading 3 rows\n")
                let byAgentKey = try await client.call(.get, "/api/enclave/runs/\(queued.runID)/log", callers.agent)
                #expect(byAgentKey.status == .forbidden)

                let done = try await client.call(.post, "/api/enclave/agents/\(one)/runs/\(queued.runID)", callers.agent, report)
                #expect(done.status == .ok && done.body["state"] as? String == "failed")
                #expect(try await identity.principal(forAPIKeyOrToken: token) == nil, "a run's token ends with its run")
                #expect(failures.reasons[queued.runID] == "The runner exited with status 1: boom")
                let twice = try await client.call(.post, "/api/enclave/agents/\(one)/runs/\(queued.runID)", callers.agent, report)
                #expect(twice.status == .notFound)

                // Hostile bodies are refused with the field named, never crash.
                for (path, body) in [("claim", #"{"wait":100000}"#), ("claim", #"{"wait":"x"}"#),
                                     ("runs/\(queued.runID)", #"{"state":"running","outcome":""}"#),
                                     ("heartbeat", #"{"running":0,"capacity":2,"runs":["not-a-uuid"]}"#),
                                     ("heartbeat", #"{"running":0,"capacity":1,"runs":["\#(queued.runID)","\#(queued.runID)"]}"#)] {
                    let refused = try await client.call(.post, "/api/enclave/agents/\(one)/\(path)", callers.agent, body)
                    #expect(refused.status == .unprocessableContent, "\(path) \(body): \(refused.status)")
                }
                let badRun = try await client.call(.post, "/api/enclave/agents/\(one)/runs/..%2F..", callers.agent, report)
                #expect(badRun.status == .notFound)
            }
        }
    }

    @Test(arguments: TestEngine.tested)
    func agentsClaimingAtOnceNeverGetOneRunTwice(engine: TestEngine) async throws {
        try await AgentsDatabase.with(engine) { database in
            let jobs = database.jobs
            var queued: Set<String> = []
            for _ in 0..<24 { queued.insert(try await jobs.enqueue(Self.draft("gpu", user: "u"), at: Timestamp.now()).runID) }
            _ = try await jobs.enqueue(Self.draft("cpu", user: "u"), at: Timestamp.now())
            let lease = Timestamp.format(Date().addingTimeInterval(60))
            let claims = try await withThrowingTaskGroup(of: [String].self) { group in
                for agent in 0..<6 {
                    group.addTask {
                        var mine: [String] = []
                        while let job = try await jobs.claim(agentID: "agent-\(agent)", pool: "gpu", leaseUntil: lease) { mine.append(job.runID) }
                        return mine
                    }
                }
                return try await group.reduce(into: [String]()) { $0 += $1 }
            }
            #expect(claims.count == 24 && Set(claims) == queued, "each run claimed exactly once, and only the pool's")
            #expect(try await jobs.claim(agentID: "agent-0", pool: "gpu", leaseUntil: lease) == nil)
        }
    }

    @Test(arguments: TestEngine.tested)
    func leasesThatRunOutFailOrRequeueAndStoppedRunsAreTakenBack(engine: TestEngine) async throws {
        try await AgentsDatabase.with(engine) { database in
            let jobs = database.jobs
            let past = Timestamp.format(Date().addingTimeInterval(-5))
            let future = Timestamp.format(Date().addingTimeInterval(60))
            // Renewing keeps an agent's runs; a run it does not hold is named back to be stopped.
            let kept = try await jobs.enqueue(Self.draft("gpu", user: "u"), at: Timestamp.now())
            _ = try await jobs.claim(agentID: "a", pool: "gpu", leaseUntil: past)
            let renewed = try await jobs.enqueue(Self.draft("gpu", user: "u"), at: Timestamp.now())
            _ = try await jobs.claim(agentID: "a", pool: "gpu", leaseUntil: past)
            let stranger = UUID().uuidString.lowercased()
            #expect(try await jobs.renew(agentID: "a", runIDs: [renewed.runID, kept.runID, stranger], leaseUntil: future) == [stranger])
            #expect(try await jobs.renew(agentID: "z", runIDs: [kept.runID], leaseUntil: future) == [kept.runID])

            let requeued = try await jobs.enqueue(Self.draft("tpu", user: "u"), at: Timestamp.now())
            _ = try await jobs.claim(agentID: "b", pool: "tpu", leaseUntil: past)
            let back = try await jobs.expireLeases(before: Timestamp.now(), policy: .requeue)
            #expect(back.map(\.runID) == [requeued.runID] && back.first?.state == .queued)
            #expect(try await jobs.claim(agentID: "c", pool: "tpu", leaseUntil: future)?.runID == requeued.runID)

            let failed = try await jobs.enqueue(Self.draft("npu", user: "u"), at: Timestamp.now())
            _ = try await jobs.claim(agentID: "d", pool: "npu", leaseUntil: past)
            let gone = try await jobs.expireLeases(before: Timestamp.now(), policy: .fail)
            #expect(gone.map(\.runID) == [failed.runID] && gone.first?.state == .lost)
            #expect(try await jobs.renew(agentID: "d", runIDs: [failed.runID], leaseUntil: future) == [failed.runID],
                    "an agent that comes back is told to stop a run it lost")

            // A stopped run: queued ones leave the queue, running ones are taken from their agent.
            let stopped = try await jobs.cancel(runID: renewed.runID, at: Timestamp.now())
            #expect(stopped?.state == .cancelled)
            #expect(try await jobs.renew(agentID: "a", runIDs: [renewed.runID], leaseUntil: future) == [renewed.runID])
            #expect(try await jobs.cancel(runID: renewed.runID, at: Timestamp.now()) == nil)
        }
    }

    @Test(arguments: TestEngine.tested)
    func aSilentAgentsRunIsFailedThroughTheControlPlane(engine: TestEngine) async throws {
        try await AgentsDatabase.with(engine) { database in
            let failures = FailedRuns()
            let (app, callers, _) = try await Self.app(database, failures: failures)
            try await app.test(.router) { client in
                let agent = try await client.call(.post, "/api/enclave/agents", callers.agent, Self.registration("gpu-1", pool: "gpu"))
                let id = try #require(agent.body["id"] as? String)
                let queued = try await database.jobs.enqueue(Self.draft("gpu", user: "u"), at: Timestamp.now())
                _ = try await client.call(.post, "/api/enclave/agents/\(id)/claim", callers.agent, #"{"wait":0}"#)
                try await Task.sleep(for: .seconds(3.5))  // three heartbeats of 1 s missed: the lease runs out
                _ = try await client.call(.get, "/api/enclave/agents", callers.admin)
                #expect(failures.reasons[queued.runID]?.contains("stopped reporting") == true, "\(failures.reasons)")
                let beat = try await client.call(.post, "/api/enclave/agents/\(id)/heartbeat", callers.agent,
                                                 #"{"running":1,"capacity":4,"runs":["\#(queued.runID)"]}"#)
                #expect(beat.body["stop"] as? [String] == [queued.runID])
            }
        }
    }
}
