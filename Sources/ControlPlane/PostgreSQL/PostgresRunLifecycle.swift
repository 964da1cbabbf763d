import PostgresNIO
import Storage

/// `RunLifecycle`'s statements on PostgreSQL: a run's status worked out from its steps,
/// and a finished status's end time.
enum PostgresRunLifecycle {
    /// Recomputes the status of run `runID` from its steps; a finished run keeps its status.
    static func refresh(runID: String, _ session: PostgresSession) async throws {
        guard let run = try await session.row("""
            SELECT r.status, s.step_count FROM pipeline_runs r LEFT JOIN pipeline_snapshots s ON s.id = r.snapshot_id WHERE r.id = \(runID)
            """) else { return }
        let current: String = try run.decode(forColumn: "status")
        guard !RunStatus.isFinished(current) else { return }
        let statuses = try await session.rows("""
            SELECT s.status FROM step_runs s WHERE s.pipeline_run_id = \(runID) AND s.status != 'retried'
            AND s.version = (SELECT MAX(o.version) FROM step_runs o WHERE o.pipeline_run_id = s.pipeline_run_id AND o.name = s.name)
            """).map { try $0.decode(String.self) }
        let derived = RunStatus.derive(runStatus: current, stepStatuses: statuses, stepCount: try run.decode(Int?.self, forColumn: "step_count") ?? 0)
        guard derived != current else { return }
        try await setStatus(runID: runID, status: derived, endTime: nil, session)
    }

    /// Sets a run's status; a finished status also sets `end_time` (given, the last step's end, or now).
    static func setStatus(runID: String, status: String, endTime: String?, _ session: PostgresSession) async throws {
        var end: String? = nil
        if RunStatus.isFinished(status) {
            if let endTime { end = endTime } else {
                end = try await session.value("SELECT MAX(end_time) FROM step_runs WHERE pipeline_run_id = \(runID)", as: String.self) ?? Timestamp.now()
            }
        }
        try await session.execute("""
            UPDATE pipeline_runs SET status = \(status), end_time = COALESCE(\(end), end_time), updated = \(Timestamp.now()) WHERE id = \(runID)
            """)
    }
}
