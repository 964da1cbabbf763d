import ControlPlane
import Foundation
import Hummingbird
import Tracking

extension Dashboard {
    static var experimentPageSize: Int { 50 }

    @Sendable func experimentList(_ request: Request, context: Context) async throws -> Response {
        try await signedIn(request) { viewer in
            let page = Self.pageNumber(request), size = Self.experimentPageSize
            let found = try await experiments.experiments(view: .activeOnly, filter: try SearchFilter("", attributes: .experiments),
                                                           order: try SearchOrder.parse(["last_update_time DESC"], attributes: .experiments),
                                                           offset: Self.rowOffset(page: page, size: size), limit: size + 1)
            let items: [[String: Any]] = found.prefix(size).map { experiment in
                ["id": experiment.id, "name": experiment.name, "updated": TimeText.moment(milliseconds: experiment.lastUpdateTime)]
            }
            return renderer.page("experiments", ["user": viewer.context, "items": items,
                                                 "pager": Self.openPager(page: page, hasNext: found.count > size, base: "/experiments")])
        }
    }

    /// An experiment's runs: `filter` in `search_runs` language, `order` (`metrics.acc DESC`…),
    /// and the metric and param columns to show (`metrics=a,b`, `params=x`).
    @Sendable func experimentRuns(_ request: Request, context: Context) async throws -> Response {
        let idText = try context.parameters.require("id")
        return try await signedIn(request) { viewer in
            guard let id = Int64(idText), let experiment = try await experiments.experiment(id: id) else {
                return notFound("There is no such experiment.", viewer)
            }
            let filterText = Self.query(request, "filter") ?? "", orderText = Self.query(request, "order") ?? "attributes.start_time DESC"
            var problem: String?
            var runs: [Run] = []
            let page = Self.pageNumber(request), size = Self.experimentPageSize
            do {
                runs = try await self.runs.runs(experimentIDs: [id], view: .activeOnly, filter: try SearchFilter(filterText, attributes: .runs),
                                                order: try SearchOrder.parse([orderText], attributes: .runs),
                                                offset: Self.rowOffset(page: page, size: size), limit: size + 1)
            } catch {
                problem = "The filter or order is not one MLflow's search accepts: \(error)"
            }
            let shown = Array(runs.prefix(size))
            let metricKeys = Self.columns(Self.query(request, "metrics"), found: shown.flatMap { $0.metrics.map(\.key) }, limit: 6)
            let paramKeys = Self.columns(Self.query(request, "params"), found: shown.flatMap { $0.params.map(\.key) }, limit: 4)
            let rows: [[String: Any]] = shown.map { run in
                let metrics = Dictionary(run.metrics.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
                let params = Dictionary(run.params.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })
                return ["id": run.info.runID, "name": run.info.name, "status": run.info.status.lowercased(), "statusText": run.info.status,
                        "start": TimeText.moment(milliseconds: run.info.startTime),
                        "duration": TimeText.duration(milliseconds: run.info.startTime, to: run.info.endTime),
                        "metrics": metricKeys.map { ["value": metrics[$0].map(MetricChart.label) ?? ""] },
                        "params": paramKeys.map { ["value": params[$0] ?? ""] }]
            }
            var base = URLComponents()
            base.path = "/experiments/\(id)"
            base.queryItems = [URLQueryItem(name: "filter", value: filterText), URLQueryItem(name: "order", value: orderText),
                               URLQueryItem(name: "metrics", value: metricKeys.joined(separator: ",")),
                               URLQueryItem(name: "params", value: paramKeys.joined(separator: ","))]
            func sortLink(_ column: String) -> String {
                var link = base
                let descending = orderText == "\(column) DESC"
                link.queryItems = (base.queryItems ?? []).filter { $0.name != "order" } + [URLQueryItem(name: "order", value: "\(column) \(descending ? "ASC" : "DESC")")]
                return link.string ?? "#"
            }
            return renderer.page("experiment", [
                "user": viewer.context, "experiment": experiment.name, "experimentID": id, "filter": filterText, "order": orderText,
                "metricsText": metricKeys.joined(separator: ","), "paramsText": paramKeys.joined(separator: ","), "problem": problem as Any,
                "metricColumns": metricKeys.map { ["key": $0, "sort": sortLink("metrics.`\($0)`")] },
                "paramColumns": paramKeys.map { ["key": $0, "sort": sortLink("params.`\($0)`")] },
                "startSort": sortLink("attributes.start_time"), "items": rows,
                "pager": Self.openPager(page: page, hasNext: runs.count > size, base: base.string ?? "/experiments/\(id)"),
            ])
        }
    }

    /// One MLflow run: params, tags, and each metric's history as a line chart.
    @Sendable func trackingRun(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("run")
        return try await signedIn(request) { viewer in
            guard let run = try await runs.run(id: id) else {
                return notFound("There is no such run.", viewer)
            }
            var charts: [[String: Any]] = []
            for key in Set(run.metrics.map(\.key)).sorted().prefix(24) {
                charts.append(MetricChart(key: key, history: try await runs.metricHistory(runID: id, key: key, offset: 0, limit: 5000)).context)
            }
            let experiment = try await experiments.experiment(id: run.info.experimentID)
            let listing = await artifactListing(run, folder: Self.query(request, "path"))
            return renderer.page("trackingRun", listing.merging([
                "user": viewer.context, "name": run.info.name, "runID": run.info.runID, "status": run.info.status.lowercased(),
                "statusText": run.info.status, "experimentID": run.info.experimentID, "experiment": experiment?.name ?? "",
                "start": TimeText.moment(milliseconds: run.info.startTime), "duration": TimeText.duration(milliseconds: run.info.startTime, to: run.info.endTime),
                "params": run.params.map { ["key": $0.key, "value": $0.value] },
                "tags": run.tags.filter { !$0.key.hasPrefix("mlflow.") }.map { ["key": $0.key, "value": $0.value] },
                "charts": charts, "artifactURI": run.info.artifactURI,
            ]) { $1 })
        }
    }

    /// Several runs side by side (`?runs=a&runs=b`, at most 6): their params in one table and
    /// each metric's histories overlaid on one chart.
    @Sendable func compareRuns(_ request: Request, context: Context) async throws -> Response {
        let experimentID = try context.parameters.require("id")
        return try await signedIn(request) { viewer in
            let ids = FormEncoding.pairs(Substring(request.uri.query ?? "")).filter { $0.0 == "runs" }.map(\.1).prefix(6)
            var found: [Run] = []
            for id in ids { if let run = try await runs.run(id: id) { found.append(run) } }
            guard found.count >= 1 else {
                return renderer.page("message", ["heading": "Nothing to compare", "text": "Choose runs in the table first.", "user": viewer.context],
                                     status: .badRequest)
            }
            let paramKeys = Set(found.flatMap { $0.params.map(\.key) }).sorted()
            let params: [[String: Any]] = paramKeys.map { key in
                ["key": key, "values": found.map { run in ["value": run.params.first { $0.key == key }?.value ?? ""] }]
            }
            var charts: [[String: Any]] = []
            for key in Set(found.flatMap { $0.metrics.map(\.key) }).sorted().prefix(12) {
                var series: [(run: String, history: [Metric])] = []
                for run in found { series.append((run.info.name, try await runs.metricHistory(runID: run.info.runID, key: key, offset: 0, limit: 5000))) }
                charts.append(MetricChart.overlaid(key: key, series: series))
            }
            return renderer.page("compare", ["user": viewer.context, "experimentID": experimentID,
                                             "runs": found.enumerated().map { ["name": $1.info.name, "id": $1.info.runID, "series": $0 % 6] },
                                             "params": params, "charts": charts])
        }
    }

    /// The columns asked for (comma-separated), else the first `limit` keys found on the page.
    static func columns(_ asked: String?, found: [String], limit: Int) -> [String] {
        if let asked, !asked.isEmpty { return asked.split(separator: ",").map(String.init).filter { !$0.isEmpty }.prefix(12).map { $0 } }
        var seen: [String] = []
        for key in found where !seen.contains(key) { seen.append(key) }
        return Array(seen.sorted().prefix(limit))
    }

    /// Previous/next links where the total is not known (MLflow's searches page by offset).
    static func openPager(page: Int, hasNext: Bool, base: String) -> [String: Any] {
        func link(_ number: Int) -> String { base + (base.contains("?") ? "&" : "?") + "page=\(number)" }
        var pager: [String: Any] = ["page": page, "pages": hasNext ? "more" : String(page), "total": hasNext ? "more" : "all"]
        if page > 1 { pager["previous"] = link(page - 1) }
        if hasNext { pager["next"] = link(page + 1) }
        return pager
    }
}
