import Synchronization

/// What this process read from the identity tables in the last `lifetime` (resolved bearer
/// tokens, accounts shown as owners), so a busy client's requests read them once every two
/// seconds rather than once each. Every identity write of this process forgets them all
/// (`IdentityStore.write`); a change made by another replica or process shows within
/// `lifetime`.
final class RecentlyRead<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let entries = Mutex<[Key: (value: Value, until: ContinuousClock.Instant)]>([:])
    static var lifetime: Duration { .seconds(2) }
    static var capacity: Int { 10_000 }

    /// The values of `keys` read within `lifetime`, and the keys still to read.
    func values(_ keys: Set<Key>) -> (found: [Key: Value], missing: Set<Key>) {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            var found: [Key: Value] = [:]
            var missing: Set<Key> = []
            for key in keys {
                if let entry = entries[key], entry.until > now { found[key] = entry.value } else { missing.insert(key) }
            }
            return (found, missing)
        }
    }

    /// The value of `key`, if read within `lifetime`.
    func value(_ key: Key) -> Value? {
        values([key]).found[key]
    }

    /// Keeps `values` for `lifetime`.
    func remember(_ values: [Key: Value]) {
        let until = ContinuousClock.now + Self.lifetime
        entries.withLock { entries in
            if entries.count + values.count > Self.capacity { entries.removeAll() }
            for (key, value) in values { entries[key] = (value, until) }
        }
    }

    /// Forgets everything: something about accounts or tokens changed.
    func forgetAll() {
        entries.withLock { $0.removeAll() }
    }
}
