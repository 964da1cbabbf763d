import Foundation
import GRDB
import Storage

/// The server-side rules of pipeline runs that ZenML's client relies on: the
/// placeholder run replaced by the orchestrator's, the per-pipeline run index, the
/// `date`/`time` substitutions, and a status worked out from the steps.
enum RunLifecycle {
    /// `date` and `time` substitutions from a run's start, in ZenML's formats
    /// (`%Y_%m_%d`, `%H_%M_%S_%f`), under the pipeline's own substitutions.
    static func substitutions(start: String, configured: JSONValue?) -> JSONValue {
        let digits = start.filter(\.isNumber)   // yyyyMMddHHmmssffffff
        let chars = Array(digits)
        func part(_ from: Int, _ count: Int) -> String { String(chars[from..<min(from + count, chars.count)]) }
        var result: JSONValue = [:]
        if chars.count >= 20 {
            result["date"] = .string("\(part(0, 4))_\(part(4, 2))_\(part(6, 2))")
            result["time"] = .string("\(part(8, 2))_\(part(10, 2))_\(part(12, 2))_\(part(14, 6))")
        }
        for (key, value) in configured?.objectValue ?? [:] { result[key] = value }
        return result
    }

    /// Recomputes the status of run `runID` from its steps; a finished run keeps its status.
    static func refresh(runID: String, db: GRDB.Database) throws {
        guard let run = try Row.fetchOne(db, sql: """
            SELECT r.status, s.step_count FROM pipeline_runs r LEFT JOIN pipeline_snapshots s ON s.id = r.snapshot_id WHERE r.id = ?
            """, arguments: [runID]) else { return }
        let current: String = run["status"]
        guard !RunStatus.isFinished(current) else { return }
        let statuses = try String.fetchAll(db, sql: """
            SELECT s.status FROM step_runs s WHERE s.pipeline_run_id = ? AND s.status != 'retried'
            AND s.version = (SELECT MAX(o.version) FROM step_runs o WHERE o.pipeline_run_id = s.pipeline_run_id AND o.name = s.name)
            """, arguments: [runID])
        let derived = RunStatus.derive(runStatus: current, stepStatuses: statuses, stepCount: run["step_count"] ?? 0)
        guard derived != current else { return }
        try setStatus(runID: runID, status: derived, endTime: nil, db: db)
    }

    /// Sets a run's status; a finished status also sets `end_time` (given, the last
    /// step's end, or now).
    static func setStatus(runID: String, status: String, endTime: String?, db: GRDB.Database) throws {
        var end: String? = nil
        if RunStatus.isFinished(status) {
            end = try endTime ?? String.fetchOne(db, sql: "SELECT MAX(end_time) FROM step_runs WHERE pipeline_run_id = ?", arguments: [runID])
                ?? Timestamp.now()
        }
        try db.execute(sql: "UPDATE pipeline_runs SET status = ?, end_time = COALESCE(?, end_time), updated = ? WHERE id = ?",
                       arguments: [status, end, Timestamp.now(), runID])
    }
}
