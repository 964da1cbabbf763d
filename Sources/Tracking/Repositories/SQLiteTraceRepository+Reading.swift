import GRDB

/// How trace rows are read and kept consistent with their spans.
extension SQLiteTraceRepository {
    static func requireTrace(_ db: Database, _ id: String) throws {
        guard try Int.fetchOne(db, sql: "SELECT 1 FROM mlflow_traces WHERE trace_id = ?", arguments: [id]) != nil else {
            throw TrackingError.notFound("Trace with id=\(id) not found")
        }
    }

    static let tags = KeyValueTable(name: "mlflow_trace_tags", ownerColumn: "trace_id")
    static let metadata = KeyValueTable(name: "mlflow_trace_metadata", ownerColumn: "trace_id")

    /// For recorded traces whose spans are stored: tags them so the client reads spans from
    /// here, and takes the duration from the root spans.
    static func markSpansStored(_ db: Database, traceIDs: [String]) throws {
        guard !traceIDs.isEmpty else { return }
        let marks = traceIDs.map { _ in "?" }.joined(separator: ", ")
        let arguments = StatementArguments(traceIDs)
        try db.execute(sql: """
            INSERT INTO mlflow_trace_tags (trace_id, key, value)
            SELECT t.trace_id, '\(TraceInfo.spansLocationTag)', 'TRACKING_STORE' FROM mlflow_traces t
            WHERE t.trace_id IN (\(marks)) AND EXISTS (SELECT 1 FROM mlflow_spans s WHERE s.trace_id = t.trace_id)
            ON CONFLICT (trace_id, key) DO UPDATE SET value = excluded.value
            """, arguments: arguments)
        try db.execute(sql: """
            UPDATE mlflow_traces SET execution_duration = (
                SELECT (MAX(s.end_time_ns) - MIN(s.start_time_ns)) / 1000000 FROM mlflow_spans s
                WHERE s.trace_id = mlflow_traces.trace_id AND s.parent_span_id IS NULL)
            WHERE trace_id IN (\(marks))
              AND EXISTS (SELECT 1 FROM mlflow_spans s WHERE s.trace_id = mlflow_traces.trace_id AND s.parent_span_id IS NULL)
            """, arguments: arguments)
    }

    static func traces(_ db: Database, where condition: String, _ arguments: StatementArguments, orderBy: String = "t.request_time DESC",
                       _ orderArguments: StatementArguments = [], limit: Int = 1_000_000, offset: Int = 0) throws -> [TraceInfo] {
        let records = try TraceRecord.fetchAll(db, sql: """
            SELECT t.* FROM mlflow_traces t WHERE \(condition) ORDER BY \(orderBy) LIMIT ? OFFSET ?
            """, arguments: arguments + orderArguments + [limit, offset])
        guard !records.isEmpty else { return [] }
        let ids = records.map(\.traceID)
        let tags = try Self.tags.pairs(db, owners: ids), metadata = try Self.metadata.pairs(db, owners: ids)
        return records.map { record in
            var info = record.info
            info.tags = tags[record.traceID] ?? []
            info.metadata = metadata[record.traceID] ?? []
            return info
        }
    }
}

/// A row of `mlflow_traces`.
struct TraceRecord: Codable, FetchableRecord {
    var traceID: String
    var experimentID: Int64
    var requestTime: Int64
    var executionDuration: Int64?
    var state: String
    var requestPreview: String?
    var responsePreview: String?
    var clientRequestID: String?

    enum CodingKeys: String, CodingKey {
        case traceID = "trace_id", experimentID = "experiment_id", requestTime = "request_time", executionDuration = "execution_duration", state
        case requestPreview = "request_preview", responsePreview = "response_preview", clientRequestID = "client_request_id"
    }

    var info: TraceInfo {
        TraceInfo(traceID: traceID, experimentID: experimentID, requestTime: requestTime, executionDuration: executionDuration, state: state,
                  requestPreview: requestPreview, responsePreview: responsePreview, clientRequestID: clientRequestID)
    }
}

/// A row of `mlflow_spans`.
struct SpanRecord: Codable, FetchableRecord {
    var traceID: String
    var spanID: String
    var parentSpanID: String?
    var name: String
    var startTimeNs: Int64
    var endTimeNs: Int64
    var statusCode: String
    var content: String

    enum CodingKeys: String, CodingKey {
        case traceID = "trace_id", spanID = "span_id", parentSpanID = "parent_span_id", name, startTimeNs = "start_time_ns"
        case endTimeNs = "end_time_ns", statusCode = "status_code", content
    }

    var span: ReceivedSpan {
        ReceivedSpan(traceID: traceID, spanID: spanID, parentSpanID: parentSpanID, name: name, startNanos: startTimeNs, endNanos: endTimeNs,
                     statusCode: statusCode, content: content)
    }
}
