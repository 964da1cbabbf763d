/// What one kind of MLflow search reaches, whatever the engine: the owner column (with its
/// table's alias), the tables of its keyed entities (metrics, params, tags) and the column or
/// expression each attribute names. `SQLiteSearch` and `PostgresSearch` read the same tables.
struct SearchTables: Sendable {
    let owner: String
    let metrics: String?
    let params: String?
    let tags: String
    let ownerColumn: String
    let attributes: [String: String]
    /// The attributes holding numbers (the rest hold text, sorted by their bytes).
    let numericAttributes: Set<String>
    /// Whether `tags.k != 'v'` also matches owners without the tag (the registry's rule;
    /// the client hides prompts with `tag.mlflow.prompt.is_prompt != 'true'`).
    var notEqualMatchesMissing = false

    static let runs = SearchTables(owner: "r.run_id", metrics: "mlflow_latest_metrics", params: "mlflow_params", tags: "mlflow_run_tags",
                                   ownerColumn: "run_id",
                                   attributes: ["run_id": "r.run_id", "run_name": "r.name", "status": "r.status", "user_id": "r.user_id",
                                                "artifact_uri": "r.artifact_uri", "lifecycle_stage": "r.lifecycle_stage",
                                                "start_time": "r.start_time", "end_time": "r.end_time"],
                                   numericAttributes: SearchAttributes.runs.numeric)
    static let experiments = SearchTables(owner: "e.experiment_id", metrics: nil, params: nil, tags: "mlflow_experiment_tags",
                                          ownerColumn: "experiment_id",
                                          attributes: ["name": "e.name", "experiment_id": "e.experiment_id", "creation_time": "e.creation_time",
                                                       "last_update_time": "e.last_update_time"],
                                          numericAttributes: SearchAttributes.experiments.numeric)

    static let loggedModels = SearchTables(owner: "m.model_id", metrics: "mlflow_metrics", params: "mlflow_logged_model_params",
                                           tags: "mlflow_logged_model_tags", ownerColumn: "model_id",
                                           attributes: ["model_id": "m.model_id", "name": "m.name", "status": "m.status",
                                                        "source_run_id": "m.source_run_id", "model_type": "m.model_type",
                                                        "artifact_uri": "m.artifact_location", "creation_timestamp": "m.creation_timestamp",
                                                        "last_updated_timestamp": "m.last_updated_timestamp"],
                                           numericAttributes: SearchAttributes.loggedModels.numeric)

    static let registeredModels = SearchTables(owner: "rm.model_key", metrics: nil, params: nil, tags: "mlflow_registered_model_tags",
                                               ownerColumn: "model_key",
                                               attributes: ["name": "rm.name", "creation_timestamp": "rm.creation_timestamp",
                                                            "last_updated_timestamp": "rm.last_updated_timestamp"],
                                               numericAttributes: SearchAttributes.registeredModels.numeric, notEqualMatchesMissing: true)
    static let modelVersions = SearchTables(owner: "mv.version_id", metrics: nil, params: nil, tags: "mlflow_model_version_tags",
                                            ownerColumn: "version_id",
                                            attributes: ["name": "rm.name", "version_number": "mv.version", "run_id": "mv.run_id",
                                                         "source_path": "mv.source", "current_stage": "mv.current_stage", "user_id": "mv.user_id",
                                                         "model_id": "mv.model_id", "creation_timestamp": "mv.creation_timestamp",
                                                         "last_updated_timestamp": "mv.last_updated_timestamp"],
                                            numericAttributes: SearchAttributes.modelVersions.numeric, notEqualMatchesMissing: true)

    static let traces = SearchTables(owner: "t.trace_id", metrics: nil, params: "mlflow_trace_metadata", tags: "mlflow_trace_tags",
                                     ownerColumn: "trace_id",
                                     attributes: ["trace_id": "t.trace_id", "state": "t.state", "client_request_id": "t.client_request_id",
                                                  "name": "(SELECT n.value FROM mlflow_trace_tags n WHERE n.trace_id = t.trace_id AND n.key = 'mlflow.traceName')",
                                                  "run_id": "(SELECT r.value FROM mlflow_trace_metadata r WHERE r.trace_id = t.trace_id AND r.key = 'mlflow.sourceRun')",
                                                  "timestamp_ms": "t.request_time", "execution_time_ms": "t.execution_duration"],
                                     numericAttributes: SearchAttributes.traces.numeric)

    /// The table holding a keyed entity's values (metrics, params or tags); nil for an
    /// entity this search has no table for, or one that is not keyed.
    func table(for entity: SearchFilter.Entity) -> String? {
        switch entity {
        case .metric: return metrics
        case .param: return params
        case .tag: return tags
        case .attribute, .dataset: return nil
        }
    }

    /// The table of runs' latest metrics, where a NaN is a NULL value with `is_nan` set.
    static let nanMarkedMetrics = "mlflow_latest_metrics"

    /// The table and key an order term reads when it is a metric or a param, whose values are
    /// indexed by key (`*_by_value`), so a page in that order can be read without a full sort;
    /// `nanMarked` when a NULL value there may be a NaN (sorted after numbers, before missing).
    func indexedOrderKey(_ term: SearchOrder) -> (table: String, key: String, nanMarked: Bool)? {
        switch term.entity {
        case .metric(let key): return metrics.map { ($0, key, $0 == Self.nanMarkedMetrics) }
        case .param(let key): return params.map { ($0, key, false) }
        default: return nil
        }
    }
}
