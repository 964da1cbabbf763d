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

/// Accounts this process read in the last `lifetime`, for rendering who owns what: a page of
/// pipelines names the same few people on every row and every request. Forgotten with the
/// resolved tokens on every identity write; another replica's rename shows within `lifetime`.
final class RecentAccounts: Sendable {
    private let entries = Mutex<[String: (account: Account, until: ContinuousClock.Instant)]>([:])

    /// The accounts of `ids` read within `lifetime`, and the ids still to read.
    func accounts(_ ids: Set<String>) -> (found: [String: Account], missing: Set<String>) {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            var found: [String: Account] = [:]
            var missing: Set<String> = []
            for id in ids {
                if let entry = entries[id], entry.until > now { found[id] = entry.account } else { missing.insert(id) }
            }
            return (found, missing)
        }
    }

    /// Keeps `accounts` for `ResolvedTokens.lifetime`.
    func remember(_ accounts: some Sequence<Account>) {
        let until = ContinuousClock.now + ResolvedTokens.lifetime
        entries.withLock { entries in
            if entries.count >= ResolvedTokens.capacity { entries.removeAll() }
            for account in accounts { entries[account.id] = (account, until) }
        }
    }

    /// Forgets every account: one of them may have changed.
    func forgetAll() {
        entries.withLock { $0.removeAll() }
    }
}
