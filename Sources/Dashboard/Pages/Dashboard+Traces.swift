import ControlPlane
import Foundation
import Hummingbird
import Tracking

extension Dashboard {
    /// An experiment's traces, newest first, 50 a page.
    @Sendable func traceList(_ request: Request, context: Context) async throws -> Response {
        let idText = try context.parameters.require("id")
        return try await signedIn(request) { viewer in
            guard let id = Int64(idText), let experiment = try await experiments.experiment(id: id) else {
                return notFound("There is no such experiment.", viewer)
            }
            let page = Self.pageNumber(request), size = Self.experimentPageSize
            let found = try await traces.traces(experimentIDs: [id], filter: try SearchFilter("", attributes: .traces),
                                                order: try SearchOrder.parse(["timestamp_ms DESC"], attributes: .traces),
                                                offset: CatalogPage<TraceInfo>.offset(page: page, size: size), limit: size + 1)
            let rows: [[String: Any]] = found.prefix(size).map { trace in
                ["id": trace.traceID, "state": trace.state.lowercased(), "stateText": trace.state, "at": TimeText.moment(milliseconds: trace.requestTime),
                 "duration": trace.executionDuration.map { "\($0) ms" } ?? "", "request": String((trace.requestPreview ?? "").prefix(120)),
                 "response": String((trace.responsePreview ?? "").prefix(120))]
            }
            return renderer.page("traces", ["user": viewer.context, "experiment": experiment.name, "experimentID": id, "items": rows,
                                            "pager": Self.openPager(page: page, hasNext: found.count > size, base: "/experiments/\(id)/traces")])
        }
    }

    /// One trace: its spans as a tree with a bar for each span's time within the trace.
    @Sendable func tracePage(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        return try await signedIn(request) { viewer in
            guard let trace = try await traces.trace(id: id) else {
                return notFound("There is no such trace.", viewer)
            }
            let spans = try await traces.spans(traceIDs: [trace.traceID])[trace.traceID] ?? []
            let start = spans.map(\.startNanos).min() ?? 0, end = spans.map(\.endNanos).max() ?? 1
            let total = Double(max(end - start, 1))
            var rows: [[String: Any]] = []
            func add(_ parent: String?, depth: Int) {
                for span in spans.filter({ $0.parentSpanID == parent }).sorted(by: { $0.startNanos < $1.startNanos }) where rows.count < 2000 {
                    rows.append(["name": span.name, "indent": depth * 18, "status": span.statusCode,
                                 "duration": String(format: "%.1f ms", Double(span.endNanos - span.startNanos) / 1e6),
                                 "offset": Int(Double(span.startNanos - start) / total * 100),
                                 "width": max(1, Int(Double(span.endNanos - span.startNanos) / total * 100))])
                    if depth < 64 { add(span.spanID, depth: depth + 1) }
                }
            }
            let ids = Set(spans.map(\.spanID))
            add(nil, depth: 0)
            for orphan in spans where orphan.parentSpanID != nil && !ids.contains(orphan.parentSpanID ?? "") {
                rows.append(["name": orphan.name, "indent": 0, "status": orphan.statusCode, "duration": "", "offset": 0, "width": 1])
            }
            return renderer.page("trace", ["user": viewer.context, "id": trace.traceID, "experimentID": trace.experimentID, "state": trace.state,
                                           "at": TimeText.moment(milliseconds: trace.requestTime), "spans": rows,
                                           "request": trace.requestPreview ?? "", "response": trace.responsePreview ?? ""])
        }
    }
}
