/// The run queue's statements, written once for both engines with positional `?` marks
/// (PostgreSQL's repository numbers them); only the claim's row lock differs.
enum AgentJobStatements {
    /// Claims the oldest queued job of an agent name: arguments agent id, lease end, agent name.
    /// `lockedSkip` is PostgreSQL's `FOR UPDATE SKIP LOCKED` (empty on SQLite, whose writers are serialized).
    static func claim(lockedSkip: String) -> String {
        """
        UPDATE agent_jobs SET state = 'running', claimed_by = ?, lease_expires = ?
        WHERE run_id = (SELECT run_id FROM agent_jobs WHERE pool = ? AND state = 'queued'
                        ORDER BY queued_at, run_id LIMIT 1 \(lockedSkip))
          AND state = 'queued'
        RETURNING *
        """
    }

    /// Ends a running job its agent holds: arguments state, outcome, time, run id, agent id.
    static let finish = """
        UPDATE agent_jobs SET state = ?, outcome = ?, finished_at = ?, lease_expires = NULL
        WHERE run_id = ? AND claimed_by = ? AND state = 'running'
        RETURNING *
        """

    /// Takes running jobs whose lease ran out away from their agent: arguments time, time.
    static func expire(_ policy: LostRunPolicy) -> String {
        switch policy {
        case .fail:
            """
            UPDATE agent_jobs SET state = 'lost', finished_at = ?, lease_expires = NULL,
                outcome = 'The agent running it stopped reporting; its lease ran out.'
            WHERE state = 'running' AND lease_expires < ?
            RETURNING *
            """
        case .requeue:
            """
            UPDATE agent_jobs SET state = 'queued', claimed_by = NULL, lease_expires = NULL,
                outcome = 'Queued again at ' || ? || ': the agent running it stopped reporting.'
            WHERE state = 'running' AND lease_expires < ?
            RETURNING *
            """
        }
    }

    /// Keeps a chunk of a runner log when the agent holds or held the run: arguments run id,
    /// offset, text, run id, agent id. `conflictSkip` is the engine's "keep the first" clause.
    static func appendLog(conflictSkip: String) -> String {
        """
        INSERT INTO agent_run_logs (run_id, byte_offset, text)
        SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM agent_jobs WHERE run_id = ? AND claimed_by = ?
                                     AND state IN ('running', 'finished', 'failed'))
        \(conflictSkip)
        """
    }

    /// A run's streamed log, in order: argument run id.
    static let runnerLog = "SELECT text FROM agent_run_logs WHERE run_id = ? ORDER BY byte_offset"

    /// Cancels a job that has not ended: arguments time, run id.
    static let cancel = """
        UPDATE agent_jobs SET state = 'cancelled', finished_at = ?, lease_expires = NULL, outcome = 'Stopped by a user.'
        WHERE run_id = ? AND state IN ('queued', 'running')
        RETURNING *
        """
}
