import GRDB
@_spi(SQLiteImplementation) import Storage

/// `TraceRepository` in the shared SQLite database.
public struct SQLiteTraceRepository: TraceRepository {
    let store: StateStore

    /// The traces of `store` (its migrations include `TrackingMigrations.set`).
    public init(store: StateStore) { self.store = store }

    public func start(_ info: TraceInfo) async throws -> TraceInfo {
        try await store.database.write { db in
            guard try Int.fetchOne(db, sql: "SELECT 1 FROM mlflow_experiments WHERE experiment_id = ?", arguments: [info.experimentID]) != nil else {
                throw TrackingError.notFound("No Experiment with id=\(info.experimentID) exists")
            }
            try db.execute(sql: """
                INSERT INTO mlflow_traces (trace_id, experiment_id, request_time, execution_duration, state, request_preview, response_preview, client_request_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (trace_id) DO UPDATE SET request_time = excluded.request_time, execution_duration = excluded.execution_duration,
                    state = excluded.state, request_preview = excluded.request_preview, response_preview = excluded.response_preview,
                    client_request_id = excluded.client_request_id
                WHERE mlflow_traces.experiment_id = excluded.experiment_id
                """, arguments: [info.traceID, info.experimentID, info.requestTime, info.executionDuration, info.state, info.requestPreview,
                                 info.responsePreview, info.clientRequestID])
            guard db.changesCount > 0 else { throw TrackingError.alreadyExists("Trace \(info.traceID) belongs to another experiment") }
            for pair in info.metadata { try Self.metadata.upsert(db, owner: info.traceID, pair) }
            for pair in info.tags { try Self.tags.upsert(db, owner: info.traceID, pair) }
            try Self.markSpansStored(db, traceIDs: [info.traceID])
            guard let stored = try Self.traces(db, where: "t.trace_id = ?", [info.traceID]).first else {
                throw TrackingError.notFound("Trace with id=\(info.traceID) not found")
            }
            return stored
        }
    }

    public func addSpans(_ spans: [ReceivedSpan], experimentID: Int64?) async throws {
        guard !spans.isEmpty else { return }
        try await store.database.write { db in
            for span in spans {
                try db.execute(sql: """
                    INSERT INTO mlflow_spans (trace_id, span_id, parent_span_id, experiment_id, name, start_time_ns, end_time_ns, status_code, content)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (trace_id, span_id) DO UPDATE SET parent_span_id = excluded.parent_span_id, name = excluded.name,
                        start_time_ns = excluded.start_time_ns, end_time_ns = excluded.end_time_ns, status_code = excluded.status_code,
                        content = excluded.content
                    """, arguments: [span.traceID, span.spanID, span.parentSpanID, experimentID, span.name, span.startNanos, span.endNanos,
                                     span.statusCode, span.content])
            }
            try Self.markSpansStored(db, traceIDs: Array(Set(spans.map(\.traceID))))
        }
    }

    public func trace(id: String) async throws -> TraceInfo? {
        try await store.database.read { db in try Self.traces(db, where: "t.trace_id = ?", [id]).first }
    }

    public func spans(traceIDs: [String]) async throws -> [String: [ReceivedSpan]] {
        guard !traceIDs.isEmpty else { return [:] }
        return try await store.database.read { db in
            let rows = try SpanRecord.fetchAll(db, sql: """
                SELECT * FROM mlflow_spans WHERE trace_id IN (\(traceIDs.map { _ in "?" }.joined(separator: ", "))) ORDER BY start_time_ns, span_id
                """, arguments: StatementArguments(traceIDs))
            return Dictionary(grouping: rows.map(\.span), by: \.traceID)
        }
    }

    public func traces(experimentIDs: [Int64], filter: SearchFilter, order: [SearchOrder], offset: Int, limit: Int) async throws -> [TraceInfo] {
        guard !experimentIDs.isEmpty else { return [] }
        let (condition, conditionArguments) = try SQLiteSearch.condition(filter, SearchTables.traces)
        let (ordering, orderArguments) = try SQLiteSearch.order(order, SearchTables.traces, fallback: "t.request_time DESC, t.trace_id")
        return try await store.database.read { db in
            try SQLiteSearch.withCaseSensitiveLike(db) {
                try Self.traces(db, where: "t.experiment_id IN (\(experimentIDs.map { _ in "?" }.joined(separator: ", "))) AND \(condition)",
                                StatementArguments(experimentIDs) + conditionArguments, orderBy: ordering, orderArguments, limit: limit, offset: offset)
            }
        }
    }

    public func setTag(id: String, _ tag: KeyValue) async throws {
        try await store.database.write { db in
            try Self.requireTrace(db, id)
            try Self.tags.upsert(db, owner: id, tag)
        }
    }

    public func deleteTag(id: String, key: String) async throws {
        try await store.database.write { db in
            try Self.requireTrace(db, id)
            try db.execute(sql: "DELETE FROM mlflow_trace_tags WHERE trace_id = ? AND key = ?", arguments: [id, key])
            guard db.changesCount > 0 else { throw TrackingError.notFound("No tag with key '\(key)' on trace \(id)") }
        }
    }

    public func delete(experimentID: Int64, ids: [String], before: Int64?, limit: Int?) async throws -> Int {
        try await store.database.write { db in
            let doomed: [String]
            if !ids.isEmpty {
                doomed = try String.fetchAll(db, sql: """
                    SELECT trace_id FROM mlflow_traces WHERE experiment_id = ? AND trace_id IN (\(ids.map { _ in "?" }.joined(separator: ", ")))
                    """, arguments: [experimentID] + StatementArguments(ids))
            } else {
                doomed = try String.fetchAll(db, sql: """
                    SELECT trace_id FROM mlflow_traces WHERE experiment_id = ? AND request_time <= ? ORDER BY request_time LIMIT ?
                    """, arguments: [experimentID, before ?? Int64.max, limit ?? Int.max])
            }
            let count = doomed.count
            for id in doomed {
                try db.execute(sql: "DELETE FROM mlflow_spans WHERE trace_id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM mlflow_trace_tags WHERE trace_id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM mlflow_trace_metadata WHERE trace_id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM mlflow_traces WHERE trace_id = ?", arguments: [id])
            }
            return count
        }
    }
}
