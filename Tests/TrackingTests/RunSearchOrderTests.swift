import Foundation
import PostgresTesting
import Storage
import Testing
@testable import Tracking

/// Runs searched in a metric's or a param's order, on each engine: the order read (on SQLite
/// through the key's value index), page by page, is the whole order — a NaN after every number and runs
/// without the key last, as the real MLflow server answers — with and without a filter, across
/// every page boundary.
@Suite struct RunSearchOrderTests {
    func withRuns(_ engine: TestEngine, _ test: (any RunRepository, Int64, [String]) async throws -> Void) async throws {
        try await TrackingDatabase.with(engine) { database in
            let experiment = try await database.experiments.create(name: "order", artifactLocation: nil, tags: [], now: 1)
            let runs = database.runs
            // run-1…run-9 started in that order; acc on six of them (two tie, one NaN); kind on some.
            let acc: [Int: Double] = [1: 0.3, 2: 0.9, 3: 0.3, 4: .nan, 5: 0.5, 6: 0.1]
            let kind: [Int: String] = [1: "b", 2: "a", 5: "c", 7: "a", 8: "b"]
            var ids: [String] = []
            for index in 1...9 {
                let id = String(format: "%032x", index * 7919)
                ids.append(id)
                try await runs.create(RunInfo(runID: id, experimentID: experiment, name: "run-\(index)", userID: "u", status: "RUNNING",
                                              startTime: Int64(index), endTime: nil, artifactURI: "x", lifecycleStage: "active"), tags: [])
                try await runs.log(runID: id, metrics: acc[index].map { [Metric(key: "acc", value: $0, timestamp: 1, step: 0)] } ?? [],
                                   params: kind[index].map { [KeyValue(key: "kind", value: $0)] } ?? [], tags: [])
            }
            try await test(runs, experiment, ids)
        }
    }

    func names(_ runs: any RunRepository, _ experiment: Int64, filter: String = "", order: [String], pageSize: Int) async throws -> [String] {
        var found: [String] = []
        var offset = 0
        while true {
            let page = try await runs.runs(experimentIDs: [experiment], view: .activeOnly, filter: try SearchFilter(filter, attributes: .runs),
                                           order: try SearchOrder.parse(order, attributes: .runs), offset: offset, limit: pageSize)
            found += page.map(\.info.name)
            if page.count < pageSize { return found }
            offset += pageSize
        }
    }

    @Test(arguments: TestEngine.tested) func aMetricsOrderPutsRunsWithoutItLastOnEveryPageSize(_ engine: TestEngine) async throws {
        try await withRuns(engine) { runs, experiment, _ in
            // The real MLflow 3.17.2 server's answers for these runs: a NaN after every number, then the runs without it.
            let descending = ["run-2", "run-5", "run-3", "run-1", "run-6", "run-4", "run-9", "run-8", "run-7"]
            let ascending = ["run-6", "run-3", "run-1", "run-5", "run-2", "run-4", "run-9", "run-8", "run-7"]
            for size in [1, 2, 3, 4, 5, 9, 50] {
                try #expect(await names(runs, experiment, order: ["metrics.acc DESC"], pageSize: size) == descending, "page size \(size)")
                try #expect(await names(runs, experiment, order: ["metrics.acc ASC"], pageSize: size) == ascending, "page size \(size)")
            }
            // A later term breaks the ties instead of the start time.
            try #expect(await names(runs, experiment, order: ["metrics.acc DESC", "attributes.run_name DESC"], pageSize: 2)
                    == ["run-2", "run-5", "run-3", "run-1", "run-6", "run-4", "run-9", "run-8", "run-7"])
            try #expect(await names(runs, experiment, order: ["metrics.acc DESC", "attributes.run_name ASC"], pageSize: 2)
                    == ["run-2", "run-5", "run-1", "run-3", "run-6", "run-4", "run-7", "run-8", "run-9"])
            // The same order where the metric is not the first term (no index walk).
            try #expect(await names(runs, experiment, order: ["attributes.status", "metrics.acc DESC"], pageSize: 4) == descending)
            try #expect(await names(runs, experiment, order: ["attributes.status", "metrics.acc ASC"], pageSize: 4) == ascending)
        }
    }

    @Test(arguments: TestEngine.tested) func aParamsOrderWithAFilterReadsOnlyMatchingRuns(_ engine: TestEngine) async throws {
        try await withRuns(engine) { runs, experiment, _ in
            for size in [1, 2, 3, 10] {
                try #expect(await names(runs, experiment, filter: "metrics.acc > 0.2", order: ["params.kind ASC"], pageSize: size)
                        == ["run-2", "run-1", "run-5", "run-3"], "page size \(size)")
                try #expect(await names(runs, experiment, filter: "attributes.start_time >= 5", order: ["params.kind DESC"], pageSize: size)
                        == ["run-5", "run-8", "run-7", "run-9", "run-6"], "page size \(size)")
            }
            // A NaN differs from every number, as the real MLflow server answers; runs without the metric do not match.
            try #expect(await names(runs, experiment, filter: "metrics.acc != 0.3", order: ["attributes.start_time DESC"], pageSize: 10)
                    == ["run-6", "run-5", "run-4", "run-2"])
            try #expect(await names(runs, experiment, filter: "metrics.acc > -1", order: ["attributes.start_time DESC"], pageSize: 10)
                    == ["run-6", "run-5", "run-3", "run-2", "run-1"])
            // A page past the runs with the key starts at the right place among those without it.
            let page = try await runs.runs(experimentIDs: [experiment], view: .activeOnly, filter: try SearchFilter("", attributes: .runs),
                                           order: try SearchOrder.parse(["params.kind ASC"], attributes: .runs), offset: 6, limit: 2)
            #expect(page.map(\.info.name) == ["run-6", "run-4"])
        }
    }
}
