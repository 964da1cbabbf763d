import GRDB
import Storage

/// The tables the ControlPlane module owns: ZenML's projects, stacks, components,
/// flavors, pipelines, snapshots, runs, steps, artifacts, logs, hook invocations, models and
/// their versions, tags, and the
/// record of idempotent writes. Opaque client configuration is kept as JSON text.
public enum ControlPlaneMigrations {
    /// Append-only: add new migrations at the end, never edit a shipped one.
    public static let set = MigrationSet(module: "controlplane", migrations: [
        .init("v1_zenml_resources") { db in
            try db.execute(sql: """
                CREATE TABLE projects (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
                    description TEXT NOT NULL DEFAULT '', project_metadata TEXT NOT NULL DEFAULT '{}',
                    created TEXT NOT NULL, updated TEXT NOT NULL
                );
                CREATE TABLE flavors (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL, display_name TEXT NOT NULL,
                    source TEXT NOT NULL, integration TEXT NOT NULL, config_schema TEXT NOT NULL,
                    docs_url TEXT, sdk_docs_url TEXT, is_custom INTEGER NOT NULL DEFAULT 0, user_id TEXT,
                    created TEXT NOT NULL, updated TEXT NOT NULL, UNIQUE (name, type)
                );
                CREATE TABLE stack_components (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL, flavor TEXT NOT NULL,
                    configuration TEXT NOT NULL DEFAULT '{}', environment TEXT NOT NULL DEFAULT '{}',
                    secrets TEXT NOT NULL DEFAULT '[]', labels TEXT, connector_resource_id TEXT,
                    user_id TEXT, created TEXT NOT NULL, updated TEXT NOT NULL, UNIQUE (name, type)
                );
                CREATE TABLE stacks (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT NOT NULL DEFAULT '',
                    stack_spec_path TEXT, environment TEXT NOT NULL DEFAULT '{}', secrets TEXT NOT NULL DEFAULT '[]',
                    labels TEXT NOT NULL DEFAULT '{}', user_id TEXT, created TEXT NOT NULL, updated TEXT NOT NULL
                );
                CREATE TABLE stack_composition (
                    stack_id TEXT NOT NULL REFERENCES stacks(id) ON DELETE CASCADE,
                    component_id TEXT NOT NULL REFERENCES stack_components(id),
                    PRIMARY KEY (stack_id, component_id)
                );
                CREATE TABLE pipelines (
                    id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id), name TEXT NOT NULL,
                    description TEXT, user_id TEXT, created TEXT NOT NULL, updated TEXT NOT NULL,
                    UNIQUE (project_id, name)
                );
                CREATE TABLE pipeline_snapshots (
                    id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id),
                    pipeline_id TEXT REFERENCES pipelines(id), stack_id TEXT,
                    user_id TEXT, name TEXT, description TEXT, run_name_template TEXT NOT NULL,
                    pipeline_configuration TEXT NOT NULL, step_configurations TEXT NOT NULL DEFAULT '{}',
                    pipeline_spec TEXT, client_environment TEXT NOT NULL DEFAULT '{}', client_version TEXT,
                    server_version TEXT, pipeline_version_hash TEXT, source_code TEXT, code_path TEXT,
                    is_dynamic INTEGER NOT NULL DEFAULT 0, step_count INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL, updated TEXT NOT NULL
                );
                CREATE TABLE pipeline_runs (
                    id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id), name TEXT NOT NULL,
                    pipeline_id TEXT REFERENCES pipelines(id), snapshot_id TEXT REFERENCES pipeline_snapshots(id),
                    stack_id TEXT, user_id TEXT, status TEXT NOT NULL, status_reason TEXT, run_index INTEGER NOT NULL,
                    orchestrator_run_id TEXT, start_time TEXT, end_time TEXT, config TEXT NOT NULL DEFAULT '{}',
                    client_environment TEXT NOT NULL DEFAULT '{}', orchestrator_environment TEXT NOT NULL DEFAULT '{}',
                    trigger_info TEXT, exception_info TEXT, run_metadata TEXT NOT NULL DEFAULT '{}',
                    created TEXT NOT NULL, updated TEXT NOT NULL, UNIQUE (project_id, name)
                );
                CREATE INDEX pipeline_runs_pipeline ON pipeline_runs(pipeline_id, run_index);
                CREATE INDEX pipeline_runs_snapshot ON pipeline_runs(snapshot_id);
                CREATE TABLE step_runs (
                    id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id),
                    pipeline_run_id TEXT NOT NULL REFERENCES pipeline_runs(id) ON DELETE CASCADE,
                    name TEXT NOT NULL, status TEXT NOT NULL, start_time TEXT, end_time TEXT,
                    cache_key TEXT, cache_expires_at TEXT, code_hash TEXT, docstring TEXT, source_code TEXT,
                    original_step_run_id TEXT, exception_info TEXT, version INTEGER NOT NULL DEFAULT 1,
                    snapshot_id TEXT, config TEXT NOT NULL DEFAULT '{}', spec TEXT NOT NULL DEFAULT '{}',
                    run_metadata TEXT NOT NULL DEFAULT '{}', user_id TEXT, created TEXT NOT NULL, updated TEXT NOT NULL
                );
                CREATE INDEX step_runs_run ON step_runs(pipeline_run_id, name);
                CREATE INDEX step_runs_cache ON step_runs(cache_key, status);
                CREATE TABLE step_run_parents (
                    step_run_id TEXT NOT NULL REFERENCES step_runs(id) ON DELETE CASCADE,
                    parent_id TEXT NOT NULL, PRIMARY KEY (step_run_id, parent_id)
                );
                CREATE TABLE artifacts (
                    id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id), name TEXT NOT NULL,
                    has_custom_name INTEGER NOT NULL DEFAULT 0, user_id TEXT,
                    created TEXT NOT NULL, updated TEXT NOT NULL, UNIQUE (project_id, name)
                );
                CREATE TABLE artifact_versions (
                    id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id),
                    artifact_id TEXT NOT NULL REFERENCES artifacts(id) ON DELETE CASCADE,
                    version TEXT NOT NULL, version_number INTEGER, uri TEXT NOT NULL, type TEXT NOT NULL,
                    materializer TEXT NOT NULL, data_type TEXT NOT NULL, save_type TEXT NOT NULL,
                    artifact_store_id TEXT, content_hash TEXT, item_count INTEGER,
                    visualizations TEXT NOT NULL DEFAULT '[]', run_metadata TEXT NOT NULL DEFAULT '{}',
                    producer_step_run_id TEXT, user_id TEXT, created TEXT NOT NULL, updated TEXT NOT NULL,
                    UNIQUE (artifact_id, version)
                );
                CREATE TABLE step_run_artifacts (
                    step_run_id TEXT NOT NULL REFERENCES step_runs(id) ON DELETE CASCADE,
                    artifact_version_id TEXT NOT NULL REFERENCES artifact_versions(id) ON DELETE CASCADE,
                    direction TEXT NOT NULL, name TEXT NOT NULL, position INTEGER NOT NULL,
                    input_type TEXT, PRIMARY KEY (step_run_id, direction, name, position)
                );
                CREATE INDEX step_run_artifacts_version ON step_run_artifacts(artifact_version_id);
                CREATE TABLE logs (
                    id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id), uri TEXT,
                    source TEXT NOT NULL, step_run_id TEXT, pipeline_run_id TEXT, artifact_store_id TEXT,
                    log_store_id TEXT, hook_invocation_id TEXT, user_id TEXT,
                    created TEXT NOT NULL, updated TEXT NOT NULL
                );
                CREATE INDEX logs_step ON logs(step_run_id);
                CREATE INDEX logs_run ON logs(pipeline_run_id);
                CREATE TABLE idempotent_requests (
                    key TEXT NOT NULL, user_id TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL,
                    status INTEGER NOT NULL, body BLOB NOT NULL, created TEXT NOT NULL,
                    PRIMARY KEY (key, user_id)
                );
                CREATE INDEX idempotent_requests_created ON idempotent_requests(created);
                """)
        },
        .init("v2_hook_invocations") { db in
            try db.execute(sql: """
                CREATE TABLE hook_invocations (
                    id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id),
                    pipeline_run_id TEXT NOT NULL REFERENCES pipeline_runs(id) ON DELETE CASCADE,
                    step_run_id TEXT REFERENCES step_runs(id) ON DELETE CASCADE,
                    hook_type TEXT NOT NULL, name TEXT, status TEXT NOT NULL, start_time TEXT NOT NULL, end_time TEXT,
                    source TEXT, exception_info TEXT, outputs TEXT NOT NULL DEFAULT '{}', user_id TEXT,
                    created TEXT NOT NULL, updated TEXT NOT NULL
                );
                CREATE INDEX hook_invocations_run ON hook_invocations(pipeline_run_id);
                """)
        },
        .init("v3_models_and_tags") { db in
            // Stage uniqueness and per-model numbering are constraints, so two writers can never
            // both hold `production` or both get version 3; tags are global, as in ZenML.
            try db.execute(sql: """
                CREATE TABLE models (
                    id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id), name TEXT NOT NULL,
                    license TEXT, description TEXT, audience TEXT, use_cases TEXT, limitations TEXT, trade_offs TEXT,
                    ethics TEXT, save_models_to_registry INTEGER NOT NULL DEFAULT 1, user_id TEXT,
                    created TEXT NOT NULL, updated TEXT NOT NULL, UNIQUE (project_id, name)
                );
                CREATE TABLE model_versions (
                    id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES projects(id),
                    model_id TEXT NOT NULL REFERENCES models(id) ON DELETE CASCADE,
                    name TEXT NOT NULL, number INTEGER NOT NULL, description TEXT, stage TEXT,
                    producer_run_id TEXT, run_metadata TEXT NOT NULL DEFAULT '{}', user_id TEXT,
                    created TEXT NOT NULL, updated TEXT NOT NULL,
                    UNIQUE (model_id, name), UNIQUE (model_id, number), UNIQUE (model_id, producer_run_id)
                );
                CREATE UNIQUE INDEX model_versions_held_stage ON model_versions(model_id, stage) WHERE stage IN ('staging', 'production');
                CREATE TABLE model_version_artifacts (
                    id TEXT PRIMARY KEY, model_version_id TEXT NOT NULL REFERENCES model_versions(id) ON DELETE CASCADE,
                    artifact_version_id TEXT NOT NULL REFERENCES artifact_versions(id) ON DELETE CASCADE,
                    user_id TEXT, created TEXT NOT NULL, updated TEXT NOT NULL, UNIQUE (model_version_id, artifact_version_id)
                );
                CREATE INDEX model_version_artifacts_artifact ON model_version_artifacts(artifact_version_id);
                CREATE TABLE model_version_pipeline_runs (
                    id TEXT PRIMARY KEY, model_version_id TEXT NOT NULL REFERENCES model_versions(id) ON DELETE CASCADE,
                    pipeline_run_id TEXT NOT NULL REFERENCES pipeline_runs(id) ON DELETE CASCADE,
                    user_id TEXT, created TEXT NOT NULL, updated TEXT NOT NULL, UNIQUE (model_version_id, pipeline_run_id)
                );
                CREATE INDEX model_version_pipeline_runs_run ON model_version_pipeline_runs(pipeline_run_id);
                ALTER TABLE pipeline_runs ADD COLUMN model_version_id TEXT REFERENCES model_versions(id) ON DELETE SET NULL;
                ALTER TABLE step_runs ADD COLUMN model_version_id TEXT REFERENCES model_versions(id) ON DELETE SET NULL;
                CREATE TABLE tags (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, color TEXT NOT NULL, exclusive INTEGER NOT NULL DEFAULT 0,
                    user_id TEXT, created TEXT NOT NULL, updated TEXT NOT NULL
                );
                CREATE TABLE tag_resources (
                    id TEXT PRIMARY KEY, tag_id TEXT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
                    resource_id TEXT NOT NULL, resource_type TEXT NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL,
                    UNIQUE (tag_id, resource_id, resource_type)
                );
                CREATE INDEX tag_resources_resource ON tag_resources(resource_id, resource_type);
                """)
        },
        .init("v4_several_writers") { db in try SeveralWritersMigration.apply(db) },
        // Which claim holds a key, and whether its write has committed: set in the write's own
        // transaction (`WriteGuard`), so a crash can never lose the fact that the write happened.
        .init("v5_idempotent_claims") { db in
            try db.execute(sql: "ALTER TABLE idempotent_requests ADD COLUMN claim TEXT")
            try db.execute(sql: "ALTER TABLE idempotent_requests ADD COLUMN executed INTEGER NOT NULL DEFAULT 0")
        },
        // Lists are newest or oldest first within a project: an index in that order lets a
        // page of twenty stop after twenty instead of sorting every row of the project.
        .init("v6_list_order") { db in
            for table in ["pipelines", "pipeline_snapshots", "pipeline_runs", "step_runs", "artifacts", "artifact_versions",
                          "models", "model_versions", "logs", "hook_invocations"] {
                try db.execute(sql: "CREATE INDEX \(table)_project_created ON \(table)(project_id, created, id)")
            }
        },
        // A snapshot's name is unique within its pipeline, as in ZenML; of names taken twice
        // before, the newest snapshot keeps it.
        .init("v7_snapshot_names") { db in
            for statement in snapshotNames { try db.execute(sql: statement) }
        },
    ])

    /// `v7_snapshot_names` as both engines run it.
    static let snapshotNames = [
        """
        UPDATE pipeline_snapshots SET name = NULL
        WHERE name IS NOT NULL AND EXISTS (
            SELECT 1 FROM pipeline_snapshots newer
            WHERE newer.pipeline_id = pipeline_snapshots.pipeline_id AND newer.name = pipeline_snapshots.name
              AND (newer.created > pipeline_snapshots.created OR (newer.created = pipeline_snapshots.created AND newer.id > pipeline_snapshots.id)))
        """,
        "CREATE UNIQUE INDEX pipeline_snapshots_pipeline_name ON pipeline_snapshots (pipeline_id, name)",
    ]
}
