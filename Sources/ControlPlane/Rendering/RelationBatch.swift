/// The related records one kind of lookup has found while a response is rendered, and the
/// keys it was asked for but has not loaded yet.
///
/// Rendering never queries per row: a lookup that misses remembers its key and answers
/// nil, the renderer finishes the pass, and the loader then fetches every remembered key
/// of a kind in one query before the next pass. A page therefore costs a number of
/// queries that depends on how deep its relations go, not on how many rows it has.
struct RelationBatch<Key: Hashable, Value> {
    private(set) var found: [Key: Value] = [:]
    private(set) var wanted: Set<Key> = []

    /// The value for `key`, or nil (and `key` remembered) when it has not been loaded yet.
    mutating func lookup(_ key: Key) -> Value? {
        if let value = found[key] { return value }
        wanted.insert(key)
        return nil
    }

    /// Stores what a load found for the wanted keys; a wanted key it did not find gets `missing`.
    mutating func fill(_ loaded: [Key: Value], missing: Value) {
        for key in wanted { found[key] = loaded[key] ?? missing }
        wanted = []
    }

    /// The wanted keys grouped by `group` (a table, a column, a direction), each group
    /// loaded by one query.
    func wantedGroups<Group: Hashable>(by group: (Key) -> Group) -> [Group: [Key]] {
        Dictionary(grouping: wanted, by: group)
    }
}

extension RelationBatch: Sendable where Key: Sendable, Value: Sendable {}

/// A lookup key that names which table, column or direction it belongs to, and an id.
struct RelationKey: Hashable, Sendable {
    let group: String
    let id: String
}

/// The newest run of a pipeline or snapshot, as its `latest_run_*` fields show it.
struct LatestRun: Sendable {
    let id: String
    let status: String
    let userID: String?
}

/// The newest version of an artifact or model: its id and its name (or version string).
struct LatestVersion: Sendable {
    let id: String
    let name: String
}
