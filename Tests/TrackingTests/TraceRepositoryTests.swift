import Foundation
import PostgresTesting
import Testing
@testable import Tracking

/// Traces, the same on each engine: a trace's record and its spans arrive in either order and
/// merge; tags and metadata; searches; deletion by id and by age with the spans.
@Suite struct TraceRepositoryTests {
    static func info(_ id: String, experiment: Int64 = 0, time: Int64, state: String = "OK", tags: [KeyValue] = []) -> TraceInfo {
        var info = TraceInfo(traceID: id, experimentID: experiment, requestTime: time, executionDuration: nil, state: state,
                             requestPreview: "{\"q\": 1}", responsePreview: nil, clientRequestID: nil)
        info.tags = tags
        info.metadata = [KeyValue(key: "mlflow.sourceRun", value: "r-\(id)")]
        return info
    }

    static func span(_ trace: String, _ id: String, parent: String?, start: Int64, end: Int64) -> ReceivedSpan {
        ReceivedSpan(traceID: trace, spanID: id, parentSpanID: parent, name: "step-\(id)", startNanos: start, endNanos: end, statusCode: "OK",
                     content: "{\"span_id\": \"\(id)\"}")
    }

    @Test(arguments: TestEngine.tested) func tracesMergeWithTheirSpansAndAreSearchedAndDeleted(_ engine: TestEngine) async throws {
        try await TrackingDatabase.with(engine) { database in
            let traces = database.traces
            await #expect(throws: TrackingError.notFound("No Experiment with id=9 exists")) {
                _ = try await traces.start(Self.info("tr-x", experiment: 9, time: 1))
            }
            // Spans first, then the record: the record learns its spans are here and its duration.
            try await traces.addSpans([Self.span("tr-a", "1", parent: nil, start: 1_000_000_000, end: 1_250_000_000),
                                       Self.span("tr-a", "2", parent: "1", start: 1_100_000_000, end: 1_200_000_000)], experimentID: 0)
            let a = try await traces.start(Self.info("tr-a", time: 10, tags: [KeyValue(key: "mlflow.traceName", value: "predict")]))
            #expect(a.executionDuration == 250)
            #expect(a.tags.contains(KeyValue(key: TraceInfo.spansLocationTag, value: "TRACKING_STORE")))
            #expect(a.metadata == [KeyValue(key: "mlflow.sourceRun", value: "r-tr-a")])
            // The record first, then the spans: the same end.
            _ = try await traces.start(Self.info("tr-b", time: 20, state: "ERROR"))
            #expect(try await traces.trace(id: "tr-b")?.tags.isEmpty == true)
            try await traces.addSpans([Self.span("tr-b", "9", parent: nil, start: 5_000_000, end: 9_000_000)], experimentID: 0)
            #expect(try await traces.trace(id: "tr-b")?.executionDuration == 4)
            // A span sent again replaces the first.
            try await traces.addSpans([Self.span("tr-a", "2", parent: "1", start: 1_100_000_000, end: 1_240_000_000)], experimentID: 0)
            let spans = try await traces.spans(traceIDs: ["tr-a", "tr-b", "tr-none"])
            #expect(spans["tr-a"]?.map(\.spanID) == ["1", "2"] && spans["tr-a"]?.last?.endNanos == 1_240_000_000 && spans["tr-b"]?.count == 1)

            let other = try await database.experiments.create(name: "other", artifactLocation: nil, tags: [], now: 1)
            await #expect(throws: TrackingError.alreadyExists("Trace tr-a belongs to another experiment")) {
                _ = try await traces.start(Self.info("tr-a", experiment: other, time: 11))
            }

            try await traces.setTag(id: "tr-b", KeyValue(key: "reviewed", value: "no"))
            try await traces.setTag(id: "tr-b", KeyValue(key: "reviewed", value: "yes"))
            await #expect(throws: TrackingError.notFound("Trace with id=tr-none not found")) {
                try await traces.setTag(id: "tr-none", KeyValue(key: "a", value: "b"))
            }
            try await traces.deleteTag(id: "tr-a", key: "mlflow.traceName")
            await #expect(throws: TrackingError.notFound("No tag with key 'mlflow.traceName' on trace tr-a")) {
                try await traces.deleteTag(id: "tr-a", key: "mlflow.traceName")
            }

            func found(_ filter: String, _ order: [String] = []) async throws -> [String] {
                try await traces.traces(experimentIDs: [0], filter: SearchFilter(filter, attributes: .traces),
                                        order: SearchOrder.parse(order, attributes: .traces), offset: 0, limit: 10).map(\.traceID)
            }
            #expect(try await found("") == ["tr-b", "tr-a"])
            #expect(try await found("state = 'ERROR'") == ["tr-b"])
            #expect(try await found("tags.reviewed = 'yes'") == ["tr-b"])
            #expect(try await found("metadata.`mlflow.sourceRun` = 'r-tr-a'") == ["tr-a"])
            #expect(try await found("run_id = 'r-tr-b'") == ["tr-b"])
            #expect(try await found("execution_time_ms > 100") == ["tr-a"])
            #expect(try await found("", ["timestamp_ms ASC"]) == ["tr-a", "tr-b"])

            _ = try await traces.start(Self.info("tr-c", time: 30))
            #expect(try await traces.delete(experimentID: 0, ids: [], before: 25, limit: 1) == 1)
            #expect(try await found("") == ["tr-c", "tr-b"])
            #expect(try await traces.delete(experimentID: other, ids: ["tr-b"], before: nil, limit: nil) == 0)
            #expect(try await traces.delete(experimentID: 0, ids: ["tr-b", "tr-c"], before: nil, limit: nil) == 2)
            #expect(try await found("") == [])
            #expect(try await traces.spans(traceIDs: ["tr-a", "tr-b"]).isEmpty)
        }
    }
}
