import PostgresNIO
import Storage

/// `TraceRepository` on PostgreSQL, shared by every replica: a trace's record and its spans
/// may reach different replicas in either order, and each write merges with what is there.
public struct PostgresTraceRepository: TraceRepository {
    let store: PostgresStore
    static let tags = KeyValueTable(name: "mlflow_trace_tags", ownerColumn: "trace_id")
    static let metadata = KeyValueTable(name: "mlflow_trace_metadata", ownerColumn: "trace_id")

    /// The traces of `store`, whose migrations must include `TrackingMigrations.postgres`.
    public init(store: PostgresStore) { self.store = store }

    public func start(_ info: TraceInfo) async throws -> TraceInfo {
        try await store.transaction { connection in
            guard try await !store.rows("""
                SELECT 1 FROM mlflow_experiments WHERE experiment_id = \(info.experimentID) FOR SHARE
                """, on: connection).isEmpty else {
                throw TrackingError.notFound("No Experiment with id=\(info.experimentID) exists")
            }
            guard try await !store.rows("""
                INSERT INTO mlflow_traces (trace_id, experiment_id, request_time, execution_duration, state, request_preview, response_preview,
                    client_request_id)
                VALUES (\(info.traceID), \(info.experimentID), \(info.requestTime), \(info.executionDuration), \(info.state), \(info.requestPreview),
                        \(info.responsePreview), \(info.clientRequestID))
                ON CONFLICT (trace_id) DO UPDATE SET request_time = excluded.request_time, execution_duration = excluded.execution_duration,
                    state = excluded.state, request_preview = excluded.request_preview, response_preview = excluded.response_preview,
                    client_request_id = excluded.client_request_id
                WHERE mlflow_traces.experiment_id = excluded.experiment_id
                RETURNING trace_id
                """, on: connection).isEmpty else {
                throw TrackingError.alreadyExists("Trace \(info.traceID) belongs to another experiment")
            }
            for pair in info.metadata { try await Self.metadata.upsert(owner: info.traceID, pair, store: store, on: connection) }
            for pair in info.tags { try await Self.tags.upsert(owner: info.traceID, pair, store: store, on: connection) }
            try await markSpansStored(connection, traceIDs: [info.traceID])
            guard let stored = try await traces(connection, ids: [info.traceID]).first else {
                throw TrackingError.notFound("Trace with id=\(info.traceID) not found")
            }
            return stored
        }
    }

    public func addSpans(_ spans: [ReceivedSpan], experimentID: Int64?) async throws {
        guard !spans.isEmpty else { return }
        try await store.transaction { connection in
            for span in spans {
                _ = try await store.rows("""
                    INSERT INTO mlflow_spans (trace_id, span_id, parent_span_id, experiment_id, name, start_time_ns, end_time_ns, status_code, content)
                    VALUES (\(span.traceID), \(span.spanID), \(span.parentSpanID), \(experimentID), \(span.name), \(span.startNanos), \(span.endNanos),
                            \(span.statusCode), \(span.content))
                    ON CONFLICT (trace_id, span_id) DO UPDATE SET parent_span_id = excluded.parent_span_id, name = excluded.name,
                        start_time_ns = excluded.start_time_ns, end_time_ns = excluded.end_time_ns, status_code = excluded.status_code,
                        content = excluded.content
                    """, on: connection)
            }
            try await markSpansStored(connection, traceIDs: Array(Set(spans.map(\.traceID))))
        }
    }

    public func trace(id: String) async throws -> TraceInfo? {
        try await store.withConnection { connection in try await traces(connection, ids: [id]).first }
    }

    public func spans(traceIDs: [String]) async throws -> [String: [ReceivedSpan]] {
        guard !traceIDs.isEmpty else { return [:] }
        let spans = try await store.rows("""
            SELECT * FROM mlflow_spans WHERE trace_id = ANY(\(traceIDs)) ORDER BY start_time_ns, span_id COLLATE "C"
            """).map(ReceivedSpan.init(postgres:))
        return Dictionary(grouping: spans, by: \.traceID)
    }

    public func traces(experimentIDs: [Int64], filter: SearchFilter, order: [SearchOrder], offset: Int, limit: Int) async throws -> [TraceInfo] {
        guard !experimentIDs.isEmpty else { return [] }
        var statement = PostgresStatement()
        let experiments = statement.bind(experimentIDs)
        let condition = try PostgresSearch.condition(filter, SearchTables.traces, into: &statement)
        let ordering = try PostgresSearch.order(order, SearchTables.traces, fallback: "t.request_time DESC, t.trace_id COLLATE \"C\"", into: &statement)
        return try await store.withConnection { connection in
            try await traces(connection, statement, where: "t.experiment_id = ANY(\(experiments)) AND \(condition)", orderBy: ordering,
                             limit: limit, offset: offset)
        }
    }

    public func setTag(id: String, _ tag: KeyValue) async throws {
        try await store.transaction { connection in
            try await requireTrace(connection, id)
            try await Self.tags.upsert(owner: id, tag, store: store, on: connection)
        }
    }

    public func deleteTag(id: String, key: String) async throws {
        try await store.transaction { connection in
            try await requireTrace(connection, id)
            guard try await Self.tags.delete(owner: id, key: key, store: store, on: connection) else {
                throw TrackingError.notFound("No tag with key '\(key)' on trace \(id)")
            }
        }
    }

    /// Spans, tags and metadata go with each trace (spans by this statement, the rest by their foreign keys).
    public func delete(experimentID: Int64, ids: [String], before: Int64?, limit: Int?) async throws -> Int {
        try await store.transaction { connection in
            let doomed: [PostgresRow]
            if !ids.isEmpty {
                doomed = try await store.rows("""
                    DELETE FROM mlflow_traces WHERE experiment_id = \(experimentID) AND trace_id = ANY(\(ids)) RETURNING trace_id
                    """, on: connection)
            } else {
                let cutoff = before ?? Int64.max, count = Int64(max(0, limit ?? Int.max))
                doomed = try await store.rows("""
                    DELETE FROM mlflow_traces WHERE trace_id IN (
                        SELECT trace_id FROM mlflow_traces WHERE experiment_id = \(experimentID) AND request_time <= \(cutoff)
                        ORDER BY request_time LIMIT \(count) FOR UPDATE)
                    RETURNING trace_id
                    """, on: connection)
            }
            let gone = try doomed.map { try $0.decode(String.self) }
            _ = try await store.rows("DELETE FROM mlflow_spans WHERE trace_id = ANY(\(gone))", on: connection)
            return gone.count
        }
    }
}
