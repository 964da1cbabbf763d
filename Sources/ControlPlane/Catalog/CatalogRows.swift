import Storage

/// The dashboard catalogs' records made from stored rows, the same whichever engine read
/// them: each catalog reads its rows (and what hangs off them) and hands them here.
enum CatalogRows {
    /// A run from a `pipeline_runs` row joined with its pipeline's name (`pipeline_name`).
    static func runSummary(_ row: StoredRow, tags: [String], modelVersion: StoredRow?) throws -> RunSummary {
        RunSummary(id: try row.decode(forColumn: "id"), name: try row.decode(forColumn: "name"), pipelineID: try row.decode(forColumn: "pipeline_id"),
                   pipelineName: try row.decode(forColumn: "pipeline_name"), status: try row.decode(forColumn: "status"),
                   startTime: try row.decode(forColumn: "start_time"), endTime: try row.decode(forColumn: "end_time"),
                   userID: try row.decode(forColumn: "user_id"), userName: nil, tags: tags,
                   modelVersion: try modelVersion.map { "\(try $0.decode(String.self, forColumn: "model")) v\(try $0.decode(String.self, forColumn: "version"))" })
    }

    /// A step from a `step_runs` row, its parents and its artifact links (`direction`, `name`,
    /// `version_id`, `version`, `type`, `artifact_name`).
    static func stepView(_ row: StoredRow, parents: [String], artifacts: [StoredRow]) throws -> StepView {
        func listed(_ direction: String) throws -> [StepArtifact] {
            try artifacts.filter { (try $0.decode(String.self, forColumn: "direction")) == direction }.map {
                StepArtifact(name: try $0.decode(forColumn: "name"), artifactName: try $0.decode(forColumn: "artifact_name"),
                             version: try $0.decode(forColumn: "version"), versionID: try $0.decode(forColumn: "version_id"), type: try $0.decode(forColumn: "type"))
            }
        }
        return StepView(id: try row.decode(forColumn: "id"), name: try row.decode(forColumn: "name"), status: try row.decode(forColumn: "status"),
                        startTime: try row.decode(forColumn: "start_time"), endTime: try row.decode(forColumn: "end_time"), parentIDs: parents,
                        cacheKey: try row.decode(forColumn: "cache_key"), inputs: try listed("input"), outputs: try listed("output"),
                        configuration: try row.decode(String?.self, forColumn: "config") ?? "{}",
                        metadata: try row.decode(String?.self, forColumn: "run_metadata") ?? "{}")
    }

    /// A component from a `stack_components` row.
    static func component(_ row: StoredRow) throws -> ComponentView {
        ComponentView(id: try row.decode(forColumn: "id"), name: try row.decode(forColumn: "name"), type: try row.decode(forColumn: "type"),
                      flavor: try row.decode(forColumn: "flavor"), configuration: try row.decode(forColumn: "configuration"))
    }

    /// A pipeline's line of the catalog (`id`, `name`, `runs`, `latest_status`, `latest_at`).
    static func pipelineSummary(_ row: StoredRow) throws -> PipelineSummary {
        PipelineSummary(id: try row.decode(forColumn: "id"), name: try row.decode(forColumn: "name"), runCount: try row.decode(forColumn: "runs"),
                        latestStatus: try row.decode(forColumn: "latest_status"), latestRunAt: try row.decode(forColumn: "latest_at"))
    }

    /// An artifact's line of the catalog.
    static func artifactSummary(_ row: StoredRow) throws -> ArtifactSummary {
        ArtifactSummary(id: try row.decode(forColumn: "id"), name: try row.decode(forColumn: "name"), versionCount: try row.decode(forColumn: "versions"),
                        latestVersion: try row.decode(forColumn: "latest_version"), latestType: try row.decode(forColumn: "latest_type"),
                        updated: try row.decode(forColumn: "touched"))
    }

    /// Where a step stands in a run (`step_name`, `step_id`, `run_id`, `run_name`).
    static func stepReference(_ row: StoredRow) throws -> StepReference {
        StepReference(stepName: try row.decode(forColumn: "step_name"), stepID: try row.decode(forColumn: "step_id"),
                      runID: try row.decode(forColumn: "run_id"), runName: try row.decode(forColumn: "run_name"))
    }

    /// An artifact version from its row (joined with `artifact_name`), tags, producer and consumers.
    static func artifactVersion(_ row: StoredRow, tags: [String], producer: StepReference?, consumers: [StepReference]) throws -> ArtifactVersionView {
        let visualizations = JSONValue.parseStored(try row.decode(String?.self, forColumn: "visualizations")).arrayValue ?? []
        let dataType = JSONValue.parseStored(try row.decode(String?.self, forColumn: "data_type"))
        return ArtifactVersionView(
            id: try row.decode(forColumn: "id"), artifactID: try row.decode(forColumn: "artifact_id"), artifactName: try row.decode(forColumn: "artifact_name"),
            version: try row.decode(forColumn: "version"), type: try row.decode(forColumn: "type"), uri: try row.decode(forColumn: "uri"),
            dataType: [dataType["module"]?.stringValue, dataType["attribute"]?.stringValue].compactMap { $0 }.joined(separator: "."),
            created: try row.decode(forColumn: "created"), metadata: try row.decode(String?.self, forColumn: "run_metadata") ?? "{}",
            visualizationTypes: visualizations.compactMap { $0["type"]?.stringValue }, tags: tags, producer: producer, consumers: consumers)
    }
}

extension AccountDirectory {
    /// `runs` with their starters' names filled in: Identity's to say, never its table's.
    func naming(_ runs: [RunSummary]) async throws -> [RunSummary] {
        let found = try await accounts(ids: Set(runs.compactMap(\.userID)))
        return runs.map { run in
            var named = run
            named.userName = run.userID.flatMap { found[$0]?.name }
            return named
        }
    }
}
