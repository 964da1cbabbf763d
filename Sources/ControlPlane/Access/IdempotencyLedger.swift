import Foundation

/// Remembers the answers to writes that carried an `Idempotency-Key`, so a write the
/// client retries (it retries POSTs on 502/503/504 and dropped connections) happens
/// once and the retry gets the first answer. Entries live for a day.
///
/// A key is claimed before the write runs, by inserting it under its primary key: of two
/// requests with one key, on any number of connections or replicas, exactly one claims it
/// and executes; the other waits for the answer and replays it. The claim's `guard` then
/// marks it executed inside each of the write's own transactions (`WriteGuard`): a write
/// whose claim was taken over rolls back, and a key whose write committed is never
/// performed again, even when the server stopped before it could store the answer.
protocol IdempotencyLedger: Sendable {
    /// Claims `key` for this caller's request, or returns the answer an earlier request with
    /// it got; waits while an earlier request with it is still being performed.
    func claim(key: String, userID: String, method: String, path: String) async throws -> IdempotencyClaim

    /// One attempt at `claim`: nil while another request holds the key unanswered.
    func tryClaim(key: String, userID: String, method: String, path: String) async throws -> IdempotencyClaim?

    /// Performs `work` under the claim `token` of `key`: its writes carry the claim's guard,
    /// and a failure gives the key back (kept if a guarded write already committed).
    func perform<Result>(key: String, userID: String, token: String, _ work: () async throws -> Result) async throws -> Result

    /// Stores the answer of the write that claimed `key` under `token`.
    func answer(key: String, userID: String, token: String, status: Int, body: [UInt8]) async throws

    /// Gives `key` up after its write failed before committing anything, or (`evenIfExecuted`)
    /// after it answered with something never stored (a credential), so a retry performs the
    /// write again. A failed request whose guarded write did commit keeps its claim.
    func release(key: String, userID: String, token: String, evenIfExecuted: Bool) async throws
}

/// What claiming an idempotency key found.
enum IdempotencyClaim: Sendable {
    /// The key is this request's under the claim token `token`: perform the write under it,
    /// then `answer` or `release`.
    case claimed(token: String)
    /// An earlier request with the key has answered: replay it.
    case answered(status: Int, body: [UInt8])
}

extension IdempotencyLedger {
    /// Answers are kept this long for retries, then swept.
    static var retention: TimeInterval { 86_400 }
    /// A claim whose write has not answered after this long is taken to be abandoned (its
    /// server stopped mid-write, or a replica behind the balancer was killed), and the next
    /// request with the key may claim it again. Shorter than the clients' 30 s read timeout,
    /// so the retry that waits for the dead write takes it over before its client gives up. A
    /// slow write that is still running loses nothing: its guard finds the claim gone and
    /// rolls it back, and a write already committed is never taken over.
    static var abandonedAfter: TimeInterval { 20 }
    /// How long a retry waits for the first request's answer before it is told to try later.
    static var waitForAnswer: Duration { .seconds(30) }

    /// Claims `key`, waiting (up to `waitForAnswer`) while an earlier request with it is still
    /// being performed; the same on every engine.
    func claim(key: String, userID: String, method: String, path: String) async throws -> IdempotencyClaim {
        let deadline = ContinuousClock.now + Self.waitForAnswer
        while true {
            if let claim = try await tryClaim(key: key, userID: userID, method: method, path: path) { return claim }
            guard ContinuousClock.now < deadline else {
                throw ControlPlaneError.stateConflict("A request with Idempotency-Key '\(key)' is still being performed; retry it later.")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
