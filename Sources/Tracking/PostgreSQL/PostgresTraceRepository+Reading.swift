import PostgresNIO
import Storage

/// How trace rows are read on PostgreSQL and kept consistent with their spans.
extension PostgresTraceRepository {
    func requireTrace(_ connection: PostgresConnection, _ id: String) async throws {
        guard try await !store.rows("SELECT 1 FROM mlflow_traces WHERE trace_id = \(id) FOR SHARE", on: connection).isEmpty else {
            throw TrackingError.notFound("Trace with id=\(id) not found")
        }
    }

    /// For recorded traces whose spans are stored: tags them so the client reads spans from
    /// here, and takes the duration from the root spans.
    func markSpansStored(_ connection: PostgresConnection, traceIDs: [String]) async throws {
        guard !traceIDs.isEmpty else { return }
        _ = try await store.rows("""
            INSERT INTO mlflow_trace_tags (trace_id, key, value)
            SELECT t.trace_id, \(TraceInfo.spansLocationTag), 'TRACKING_STORE' FROM mlflow_traces t
            WHERE t.trace_id = ANY(\(traceIDs)) AND EXISTS (SELECT 1 FROM mlflow_spans s WHERE s.trace_id = t.trace_id)
            ON CONFLICT (trace_id, key) DO UPDATE SET value = excluded.value
            """, on: connection)
        _ = try await store.rows("""
            UPDATE mlflow_traces SET execution_duration = (
                SELECT (MAX(s.end_time_ns) - MIN(s.start_time_ns)) / 1000000 FROM mlflow_spans s
                WHERE s.trace_id = mlflow_traces.trace_id AND s.parent_span_id IS NULL)
            WHERE trace_id = ANY(\(traceIDs))
              AND EXISTS (SELECT 1 FROM mlflow_spans s WHERE s.trace_id = mlflow_traces.trace_id AND s.parent_span_id IS NULL)
            """, on: connection)
    }

    func traces(_ connection: PostgresConnection, ids: [String]) async throws -> [TraceInfo] {
        var statement = PostgresStatement()
        let condition = "t.trace_id = ANY(\(statement.bind(ids)))"
        return try await traces(connection, statement, where: condition)
    }

    /// Traces matching `condition` (its values bound in `statement`) with their tags and metadata.
    func traces(_ connection: PostgresConnection, _ statement: PostgresStatement, where condition: String, orderBy: String = "t.request_time DESC",
                limit: Int = 1_000_000, offset: Int = 0) async throws -> [TraceInfo] {
        var statement = statement
        let limitMark = statement.bind(Int64(max(0, limit))), offsetMark = statement.bind(Int64(max(0, offset)))
        let rows = try await store.rows(statement.query("""
            SELECT t.* FROM mlflow_traces t WHERE \(condition) ORDER BY \(orderBy) LIMIT \(limitMark) OFFSET \(offsetMark)
            """), on: connection)
        guard !rows.isEmpty else { return [] }
        let found = try rows.map(TraceInfo.init(postgres:))
        let ids = found.map(\.traceID)
        let tags = try await Self.tags.pairs(owners: ids, store: store, on: connection)
        let metadata = try await Self.metadata.pairs(owners: ids, store: store, on: connection)
        return found.map { info in
            var info = info
            info.tags = tags[info.traceID] ?? []
            info.metadata = metadata[info.traceID] ?? []
            return info
        }
    }
}

extension TraceInfo {
    /// The trace an `mlflow_traces` row holds (tags and metadata apart).
    init(postgres row: PostgresRow) throws {
        let columns = row.makeRandomAccess()
        self.init(traceID: try columns["trace_id"].decode(String.self), experimentID: try columns["experiment_id"].decode(Int64.self),
                  requestTime: try columns["request_time"].decode(Int64.self), executionDuration: try columns["execution_duration"].decode(Int64?.self),
                  state: try columns["state"].decode(String.self), requestPreview: try columns["request_preview"].decode(String?.self),
                  responsePreview: try columns["response_preview"].decode(String?.self),
                  clientRequestID: try columns["client_request_id"].decode(String?.self))
    }
}

extension ReceivedSpan {
    /// The span an `mlflow_spans` row holds.
    init(postgres row: PostgresRow) throws {
        let columns = row.makeRandomAccess()
        self.init(traceID: try columns["trace_id"].decode(String.self), spanID: try columns["span_id"].decode(String.self),
                  parentSpanID: try columns["parent_span_id"].decode(String?.self), name: try columns["name"].decode(String.self),
                  startNanos: try columns["start_time_ns"].decode(Int64.self), endNanos: try columns["end_time_ns"].decode(Int64.self),
                  statusCode: try columns["status_code"].decode(String.self), content: try columns["content"].decode(String.self))
    }
}
