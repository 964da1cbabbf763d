import GRDB
import Storage

/// `controlplane.v4_several_writers`: the numbering and get-or-create rules become
/// constraints, so they hold with several writers (replicas on one database), not only
/// behind SQLite's single writer: a run's index is unique within its pipeline, a step's
/// attempt number within its run and name, and an orchestrator's run id within its snapshot.
///
/// Data written before the constraints may break them; the migration repairs what it can
/// without changing what a user already saw first, and refuses what it cannot.
enum SeveralWritersMigration {
    static let name = "controlplane.v4_several_writers"

    static func apply(_ db: GRDB.Database) throws {
        try renumberStepAttempts(db)
        try renumberRunIndexes(db)
        try refuseSharedOrchestratorRuns(db)
        try db.execute(sql: """
            CREATE UNIQUE INDEX pipeline_runs_number ON pipeline_runs(project_id, pipeline_id, run_index);
            CREATE UNIQUE INDEX pipeline_runs_orchestrator_run ON pipeline_runs(snapshot_id, orchestrator_run_id)
                WHERE orchestrator_run_id IS NOT NULL;
            CREATE UNIQUE INDEX step_runs_attempt ON step_runs(pipeline_run_id, name, version);
            CREATE INDEX pipeline_runs_pipeline_newest ON pipeline_runs(pipeline_id, created);
            CREATE INDEX pipeline_runs_snapshot_newest ON pipeline_runs(snapshot_id, created);
            """)
    }

    /// Attempts of one step that share a number are numbered again in the order they were made.
    static func renumberStepAttempts(_ db: GRDB.Database) throws {
        let groups = try Row.fetchAll(db, sql: """
            SELECT DISTINCT pipeline_run_id, name FROM step_runs
            GROUP BY pipeline_run_id, name, version HAVING COUNT(*) > 1
            """)
        for group in groups {
            let runID: String = try group.decode(forColumn: "pipeline_run_id"), name: String = try group.decode(forColumn: "name")
            let attempts = try String.fetchAll(db, sql: "SELECT id FROM step_runs WHERE pipeline_run_id = ? AND name = ? ORDER BY created, id",
                                               arguments: [runID, name])
            for (position, id) in attempts.enumerated() {
                try db.execute(sql: "UPDATE step_runs SET version = ? WHERE id = ?", arguments: [position + 1, id])
            }
        }
    }

    /// A run whose index an earlier run of the same pipeline already had gets the next free one.
    static func renumberRunIndexes(_ db: GRDB.Database) throws {
        let later = try Row.fetchAll(db, sql: """
            SELECT r.id, r.project_id, r.pipeline_id FROM pipeline_runs r
            WHERE r.pipeline_id IS NOT NULL AND EXISTS (
                SELECT 1 FROM pipeline_runs o WHERE o.project_id = r.project_id AND o.pipeline_id = r.pipeline_id
                AND o.run_index = r.run_index AND (o.created < r.created OR (o.created = r.created AND o.id < r.id)))
            ORDER BY r.created, r.id
            """)
        for run in later {
            try db.execute(sql: """
                UPDATE pipeline_runs SET run_index = (SELECT MAX(run_index) + 1 FROM pipeline_runs WHERE project_id = ? AND pipeline_id = ?)
                WHERE id = ?
                """, arguments: [run["project_id"] as DatabaseValue, run["pipeline_id"] as DatabaseValue, run["id"] as DatabaseValue])
        }
    }

    /// Two runs recorded for one orchestrator run cannot be merged without losing steps; an
    /// operator decides which to keep.
    static func refuseSharedOrchestratorRuns(_ db: GRDB.Database) throws {
        let shared = try Row.fetchAll(db, sql: """
            SELECT snapshot_id, orchestrator_run_id, COUNT(*) AS runs FROM pipeline_runs
            WHERE orchestrator_run_id IS NOT NULL GROUP BY snapshot_id, orchestrator_run_id HAVING COUNT(*) > 1
            """)
        guard let first = shared.first else { return }
        let snapshot: String? = first["snapshot_id"], orchestratorRun: String = first["orchestrator_run_id"]
        throw StorageError.cannotMigrate(migration: name, reason: """
            \(shared.count) orchestrator run id(s) are recorded by more than one pipeline run, first '\(orchestratorRun)' \
            of snapshot \(snapshot ?? "none"); delete the runs that should not exist (zenml pipeline runs delete) with the \
            previous Enclave version, then start this one again
            """)
    }
}
