import Foundation
import GRDB
import Storage

/// The tables the Tracking module (the MLflow API) owns, prefixed `mlflow_` so they never
/// meet the ZenML tables. Experiment 0, "Default", exists from the start as in MLflow.
public enum TrackingMigrations {
    /// Append-only: add new migrations at the end, never edit a shipped one.
    public static let set = MigrationSet(module: "tracking", migrations: [
        .init("v1_experiments_runs_metrics") { db in
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            try db.execute(sql: """
                CREATE TABLE mlflow_experiments (
                    experiment_id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    artifact_location TEXT NOT NULL,
                    lifecycle_stage TEXT NOT NULL,
                    creation_time INTEGER NOT NULL,
                    last_update_time INTEGER NOT NULL
                );
                CREATE TABLE mlflow_experiment_tags (
                    experiment_id INTEGER NOT NULL REFERENCES mlflow_experiments(experiment_id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (experiment_id, key)
                );
                CREATE TABLE mlflow_runs (
                    run_id TEXT PRIMARY KEY,
                    experiment_id INTEGER NOT NULL REFERENCES mlflow_experiments(experiment_id),
                    name TEXT NOT NULL,
                    user_id TEXT NOT NULL,
                    status TEXT NOT NULL,
                    start_time INTEGER,
                    end_time INTEGER,
                    artifact_uri TEXT NOT NULL,
                    lifecycle_stage TEXT NOT NULL
                );
                CREATE INDEX mlflow_runs_by_experiment ON mlflow_runs(experiment_id, start_time);
                CREATE TABLE mlflow_params (
                    run_id TEXT NOT NULL REFERENCES mlflow_runs(run_id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (run_id, key)
                );
                CREATE TABLE mlflow_run_tags (
                    run_id TEXT NOT NULL REFERENCES mlflow_runs(run_id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (run_id, key)
                );
                CREATE TABLE mlflow_metrics (
                    run_id TEXT NOT NULL REFERENCES mlflow_runs(run_id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value REAL,
                    is_nan INTEGER NOT NULL,
                    timestamp INTEGER NOT NULL,
                    step INTEGER NOT NULL
                );
                CREATE INDEX mlflow_metrics_history ON mlflow_metrics(run_id, key, step, timestamp);
                CREATE TABLE mlflow_latest_metrics (
                    run_id TEXT NOT NULL REFERENCES mlflow_runs(run_id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value REAL,
                    is_nan INTEGER NOT NULL,
                    timestamp INTEGER NOT NULL,
                    step INTEGER NOT NULL,
                    PRIMARY KEY (run_id, key)
                );
                """)
            try db.execute(sql: """
                INSERT INTO mlflow_experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                VALUES (0, 'Default', 'mlflow-artifacts:/0', 'active', ?, ?)
                """, arguments: [now, now])
        },
        .init("v2_logged_models_inputs_outputs") { db in
            try db.execute(sql: """
                CREATE TABLE mlflow_logged_models (
                    model_id TEXT PRIMARY KEY,
                    experiment_id INTEGER NOT NULL REFERENCES mlflow_experiments(experiment_id),
                    name TEXT NOT NULL,
                    artifact_location TEXT NOT NULL,
                    creation_timestamp INTEGER NOT NULL,
                    last_updated_timestamp INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    status_message TEXT,
                    model_type TEXT NOT NULL,
                    source_run_id TEXT NOT NULL,
                    lifecycle_stage TEXT NOT NULL
                );
                CREATE INDEX mlflow_logged_models_by_experiment ON mlflow_logged_models(experiment_id, creation_timestamp);
                CREATE TABLE mlflow_logged_model_tags (
                    model_id TEXT NOT NULL REFERENCES mlflow_logged_models(model_id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (model_id, key)
                );
                CREATE TABLE mlflow_logged_model_params (
                    model_id TEXT NOT NULL REFERENCES mlflow_logged_models(model_id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (model_id, key)
                );
                ALTER TABLE mlflow_metrics ADD COLUMN model_id TEXT;
                ALTER TABLE mlflow_metrics ADD COLUMN dataset_name TEXT;
                ALTER TABLE mlflow_metrics ADD COLUMN dataset_digest TEXT;
                CREATE INDEX mlflow_metrics_by_model ON mlflow_metrics(model_id, key);
                CREATE TABLE mlflow_datasets (
                    dataset_id TEXT PRIMARY KEY,
                    experiment_id INTEGER NOT NULL REFERENCES mlflow_experiments(experiment_id),
                    name TEXT NOT NULL,
                    digest TEXT NOT NULL,
                    source_type TEXT NOT NULL,
                    source TEXT NOT NULL,
                    schema TEXT,
                    profile TEXT,
                    UNIQUE (experiment_id, name, digest)
                );
                CREATE TABLE mlflow_run_dataset_inputs (
                    run_id TEXT NOT NULL REFERENCES mlflow_runs(run_id) ON DELETE CASCADE,
                    dataset_id TEXT NOT NULL REFERENCES mlflow_datasets(dataset_id),
                    PRIMARY KEY (run_id, dataset_id)
                );
                CREATE TABLE mlflow_run_dataset_input_tags (
                    run_id TEXT NOT NULL,
                    dataset_id TEXT NOT NULL,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (run_id, dataset_id, key),
                    FOREIGN KEY (run_id, dataset_id) REFERENCES mlflow_run_dataset_inputs(run_id, dataset_id) ON DELETE CASCADE
                );
                CREATE TABLE mlflow_run_model_inputs (
                    run_id TEXT NOT NULL REFERENCES mlflow_runs(run_id) ON DELETE CASCADE,
                    model_id TEXT NOT NULL,
                    PRIMARY KEY (run_id, model_id)
                );
                CREATE TABLE mlflow_run_model_outputs (
                    run_id TEXT NOT NULL REFERENCES mlflow_runs(run_id) ON DELETE CASCADE,
                    model_id TEXT NOT NULL,
                    step INTEGER NOT NULL,
                    PRIMARY KEY (run_id, model_id)
                );
                """)
        },
        .init("v3_model_registry") { db in
            // Surrogate keys, so a rename touches one row and nothing cascades.
            try db.execute(sql: """
                CREATE TABLE mlflow_registered_models (
                    model_key TEXT PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    creation_timestamp INTEGER NOT NULL,
                    last_updated_timestamp INTEGER NOT NULL,
                    description TEXT
                );
                CREATE TABLE mlflow_registered_model_tags (
                    model_key TEXT NOT NULL REFERENCES mlflow_registered_models(model_key) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (model_key, key)
                );
                CREATE TABLE mlflow_model_versions (
                    version_id TEXT PRIMARY KEY,
                    model_key TEXT NOT NULL REFERENCES mlflow_registered_models(model_key) ON DELETE CASCADE,
                    version INTEGER NOT NULL,
                    creation_timestamp INTEGER NOT NULL,
                    last_updated_timestamp INTEGER NOT NULL,
                    description TEXT,
                    user_id TEXT,
                    current_stage TEXT NOT NULL,
                    source TEXT NOT NULL,
                    run_id TEXT,
                    run_link TEXT,
                    status TEXT NOT NULL,
                    storage_location TEXT,
                    model_id TEXT,
                    UNIQUE (model_key, version)
                );
                CREATE TABLE mlflow_model_version_tags (
                    version_id TEXT NOT NULL REFERENCES mlflow_model_versions(version_id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (version_id, key)
                );
                CREATE TABLE mlflow_registered_model_aliases (
                    model_key TEXT NOT NULL REFERENCES mlflow_registered_models(model_key) ON DELETE CASCADE,
                    alias TEXT NOT NULL,
                    version_id TEXT NOT NULL REFERENCES mlflow_model_versions(version_id) ON DELETE CASCADE,
                    PRIMARY KEY (model_key, alias)
                );
                """)
        },
        .init("v4_traces") { db in
            // Spans arrive on their own (OTLP), possibly before the trace: no reference to it.
            try db.execute(sql: """
                CREATE TABLE mlflow_traces (
                    trace_id TEXT PRIMARY KEY,
                    experiment_id INTEGER NOT NULL REFERENCES mlflow_experiments(experiment_id),
                    request_time INTEGER NOT NULL,
                    execution_duration INTEGER,
                    state TEXT NOT NULL,
                    request_preview TEXT,
                    response_preview TEXT,
                    client_request_id TEXT
                );
                CREATE INDEX mlflow_traces_by_experiment ON mlflow_traces(experiment_id, request_time);
                CREATE TABLE mlflow_trace_tags (
                    trace_id TEXT NOT NULL REFERENCES mlflow_traces(trace_id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (trace_id, key)
                );
                CREATE TABLE mlflow_trace_metadata (
                    trace_id TEXT NOT NULL REFERENCES mlflow_traces(trace_id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (trace_id, key)
                );
                CREATE TABLE mlflow_spans (
                    trace_id TEXT NOT NULL,
                    span_id TEXT NOT NULL,
                    parent_span_id TEXT,
                    experiment_id INTEGER,
                    name TEXT NOT NULL,
                    start_time_ns INTEGER NOT NULL,
                    end_time_ns INTEGER NOT NULL,
                    status_code TEXT NOT NULL,
                    content TEXT NOT NULL,
                    PRIMARY KEY (trace_id, span_id)
                );
                """)
        },
        .init("v5_runs_in_search_order") { db in
            // Runs are listed newest first with the id breaking ties: an index in exactly that
            // order lets a filtered, limited search stop early instead of sorting every run.
            try db.execute(sql: """
                CREATE INDEX mlflow_runs_in_search_order ON mlflow_runs(experiment_id, start_time DESC, run_id);
                DROP INDEX mlflow_runs_by_experiment;
                """)
        },
        .init("v6_runs_by_metric_and_param_value") { db in
            // A runs table ordered by a metric or a param (`metrics.acc DESC`) walks the key's
            // values in order and stops at the page's end, instead of sorting every run.
            try db.execute(sql: """
                CREATE INDEX mlflow_latest_metrics_by_value ON mlflow_latest_metrics(key, value, run_id);
                CREATE INDEX mlflow_params_by_value ON mlflow_params(key, value, run_id);
                """)
        },
    ])
}
