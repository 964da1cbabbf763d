/// What a page's rows will ask for, wanted before the first render pass so that most
/// responses render once. Only a head start: a relation not anticipated here is still
/// found by the render pass that meets it, one pass later.
extension PageRelations {
    /// The tables whose rows carry tags, and the kind ZenML names them by.
    static let taggedTables: [String: TaggableResource] = [
        "pipelines": .pipeline, "pipeline_runs": .pipelineRun, "pipeline_snapshots": .pipelineSnapshot, "artifacts": .artifact,
        "artifact_versions": .artifactVersion, "models": .model, "model_versions": .modelVersion,
    ]

    /// Columns that name another entity rendered inside this one: (column, its table).
    static let references: [String: [(column: String, table: String)]] = [
        "pipeline_runs": [("snapshot_id", "pipeline_snapshots"), ("stack_id", "stacks"), ("pipeline_id", "pipelines"),
                          ("model_version_id", "model_versions")],
        "pipeline_snapshots": [("pipeline_id", "pipelines"), ("stack_id", "stacks")],
        "step_runs": [("model_version_id", "model_versions")],
        "model_version_artifacts": [("artifact_version_id", "artifact_versions")],
        "model_version_pipeline_runs": [("pipeline_run_id", "pipeline_runs")],
    ]

    /// Wants what rows of `table`, rendered at `detail`, will look up.
    mutating func anticipate(_ pageRows: [StoredRow], table: String, detail: Detail) throws {
        for row in pageRows {
            let id: String? = try? row.decode(forColumn: "id")
            if detail != .nested, let owner = try? row.decode(String.self, forColumn: "user_id") { _ = users.lookup(owner) }
            if detail != .nested, let id, let kind = Self.taggedTables[table] { _ = tags.lookup(RelationKey(group: kind.rawValue, id: id)) }
            for reference in Self.references[table] ?? [] where detail != .nested {
                if let target = try row.decode(String?.self, forColumn: reference.column) {
                    _ = rows.lookup(RelationKey(group: reference.table, id: target))
                }
            }
            try anticipateOwnRelations(of: row, id: id, table: table, detail: detail)
        }
    }

    private mutating func anticipateOwnRelations(of row: StoredRow, id: String?, table: String, detail: Detail) throws {
        guard let id else { return }
        switch table {
        case "pipelines" where detail != .nested: _ = latestRuns.lookup(RelationKey(group: "pipeline_id", id: id))
        case "pipeline_snapshots" where detail != .nested: _ = latestRuns.lookup(RelationKey(group: "snapshot_id", id: id))
        case "pipeline_runs" where detail != .nested: _ = logs.lookup(RelationKey(group: "pipeline_run_id", id: id))
        case "hook_invocations" where detail != .nested: _ = logs.lookup(RelationKey(group: "hook_invocation_id", id: id))
        case "step_runs":
            _ = substitutions.lookup(try row.decode(forColumn: "pipeline_run_id"))
            guard detail != .nested else { return }
            _ = logs.lookup(RelationKey(group: "step_run_id", id: id))
            _ = stepArtifacts.lookup(RelationKey(group: "input", id: id))
            _ = stepArtifacts.lookup(RelationKey(group: "output", id: id))
            if detail == .full { _ = stepParents.lookup(id) }
        case "artifacts" where detail != .nested: _ = latestArtifactVersions.lookup(id)
        case "artifact_versions":
            _ = rows.lookup(RelationKey(group: "artifacts", id: try row.decode(forColumn: "artifact_id")))
            if detail != .nested, let producer = try row.decode(String?.self, forColumn: "producer_step_run_id") { _ = producerRuns.lookup(producer) }
        case "models" where detail != .nested: _ = latestModelVersions.lookup(id)
        case "model_versions": _ = rows.lookup(RelationKey(group: "models", id: try row.decode(forColumn: "model_id")))
        case "stacks" where detail == .full: _ = stackComponents.lookup(id)
        case "stack_components":
            _ = flavors.lookup(RelationKey(group: try row.decode(forColumn: "type"), id: try row.decode(forColumn: "flavor")))
        case "tags" where detail == .full: _ = tagCounts.lookup(id)
        default: break
        }
    }

    /// How many records of the kinds that nest have been found: taken before a load, so that
    /// `followLoaded` knows whether the load brought new ones.
    struct LoadMark: Equatable {
        let rows: Int, components: Int, stepLinks: Int, latestRuns: Int
    }

    /// The current `LoadMark`.
    var loadMark: LoadMark {
        LoadMark(rows: rows.found.count, components: stackComponents.found.count, stepLinks: stepArtifacts.found.count,
                 latestRuns: latestRuns.found.count)
    }

    /// Wants what the records loaded since `mark` need when rendered nested (their bodies'
    /// lookups), so a read side can load them in the same round trip.
    mutating func followLoaded(since mark: LoadMark) throws {
        guard loadMark != mark else { return }
        for (key, row) in rows.found {
            guard let row else { continue }
            try anticipate([row], table: key.group, detail: .nested)
        }
        for components in stackComponents.found.values { try anticipate(components, table: "stack_components", detail: .nested) }
        for links in stepArtifacts.found.values { try anticipate(links, table: "artifact_versions", detail: .nested) }
        for case let run? in latestRuns.found.values {
            if let owner = run.userID { _ = users.lookup(owner) }
        }
    }
}
