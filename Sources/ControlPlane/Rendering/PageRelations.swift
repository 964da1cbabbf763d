/// Everything a response's entities point to (owners, latest runs, tags, nested entities,
/// logs, step lineage, latest versions…), gathered by kind and loaded a kind at a time.
///
/// `WireRenderer` asks through the batches; the read side (`ResourceReader`) then answers
/// every waiting key of a kind with one query. Which kinds wait depends on the rows' shape,
/// never on their number. Plain data: no database handle, so it crosses to any engine.
struct PageRelations: Sendable {
    /// Nested users by id (`.null` when the account is gone).
    var users = RelationBatch<String, JSONValue>()
    /// Newest run keyed by (`pipeline_id` | `snapshot_id`, owner id).
    var latestRuns = RelationBatch<RelationKey, LatestRun?>()
    /// Tag rows keyed by (resource type, resource id), in name order.
    var tags = RelationBatch<RelationKey, [StoredRow]>()
    /// Whole rows keyed by (table, id), for entities rendered nested inside others.
    var rows = RelationBatch<RelationKey, StoredRow?>()
    /// Log rows keyed by (`pipeline_run_id` | `step_run_id` | `hook_invocation_id`, owner id).
    var logs = RelationBatch<RelationKey, [StoredRow]>()
    /// A run's configured `substitutions`, by run id.
    var substitutions = RelationBatch<String, JSONValue>()
    /// A step's parent step ids, in the order they were recorded.
    var stepParents = RelationBatch<String, [String]>()
    /// A step's artifact links joined with their versions, keyed by (direction, step id).
    var stepArtifacts = RelationBatch<RelationKey, [StoredRow]>()
    /// The newest version of an artifact, by artifact id.
    var latestArtifactVersions = RelationBatch<String, LatestVersion?>()
    /// The newest version of a model, by model id.
    var latestModelVersions = RelationBatch<String, LatestVersion?>()
    /// The run of a producing step, by step id.
    var producerRuns = RelationBatch<String, String?>()
    /// Flavor rows keyed by (type, name).
    var flavors = RelationBatch<RelationKey, StoredRow?>()
    /// A stack's components, in type and creation order.
    var stackComponents = RelationBatch<String, [StoredRow]>()
    /// How many resources carry a tag, by tag id.
    var tagCounts = RelationBatch<String, Int64>()

    /// Whether some lookup is still waiting to be loaded.
    var isWaiting: Bool { isWaitingForAccounts || isWaitingForRecords }

    /// Whether some user lookup is waiting: what Identity, not the database, loads.
    var isWaitingForAccounts: Bool { !users.wanted.isEmpty }

    /// Whether some lookup other than users is waiting: what the database loads.
    var isWaitingForRecords: Bool {
        let waiting: [Bool] = [
            latestRuns.wanted.isEmpty, tags.wanted.isEmpty, rows.wanted.isEmpty, logs.wanted.isEmpty,
            substitutions.wanted.isEmpty, stepParents.wanted.isEmpty, stepArtifacts.wanted.isEmpty,
            latestArtifactVersions.wanted.isEmpty, latestModelVersions.wanted.isEmpty, producerRuns.wanted.isEmpty,
            flavors.wanted.isEmpty, stackComponents.wanted.isEmpty, tagCounts.wanted.isEmpty,
        ]
        return waiting.contains(false)
    }
}
