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
    ])
}
