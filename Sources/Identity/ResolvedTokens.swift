import Foundation
import Storage
import Synchronization

/// Bearer tokens this process resolved in the last `lifetime`, so the requests of one busy
/// client read the token's row once every two seconds rather than once each. Every identity
/// write of this process (logout, a changed role, a deactivated account, a revoked key)
/// forgets them all; a change made by another replica is seen within `lifetime`.
final class ResolvedTokens: Sendable {
    private let entries = Mutex<[String: (principal: Principal, until: ContinuousClock.Instant)]>([:])
    static let lifetime: Duration = .seconds(2)
    static let capacity = 10_000

    /// The principal of the token with this digest, if it was resolved within `lifetime`.
    func principal(for digest: String) -> Principal? {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard let entry = entries[digest] else { return nil }
            guard entry.until > now else {
                entries[digest] = nil
                return nil
            }
            return entry.principal
        }
    }

    /// Keeps `principal` for `lifetime`, unless its token expires sooner (`expiresAt`).
    func remember(_ principal: Principal, for digest: String, expiresAt: String) {
        guard expiresAt > Timestamp.format(Date().addingTimeInterval(3)) else { return }
        let until = ContinuousClock.now + Self.lifetime
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll() }
            entries[digest] = (principal, until)
        }
    }

    /// Forgets every token: something about accounts or tokens changed.
    func forgetAll() {
        entries.withLock { $0.removeAll() }
    }
}
