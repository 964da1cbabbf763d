import Foundation
import PostgresTesting
import Testing
@testable import Tracking

/// The experiment and run repositories' contract, the same on each engine: MLflow's errors for
/// taken names, missing or deleted owners and changed params; the latest value of a metric;
/// histories; searches with MLflow's case-sensitive LIKE; and, on PostgreSQL, several replicas
/// writing at once.
@Suite struct TrackingRepositoryTests {
    static func info(_ id: String, experiment: Int64, start: Int64 = 1, name: String = "run") -> RunInfo {
        RunInfo(runID: id, experimentID: experiment, name: name, userID: "u", status: "RUNNING", startTime: start, endTime: nil,
                artifactURI: "mlflow-artifacts:/\(experiment)/\(id)/artifacts", lifecycleStage: "active")
    }

    static func search(_ text: String, _ attributes: SearchAttributes = .runs) throws -> SearchFilter { try SearchFilter(text, attributes: attributes) }

    @Test(arguments: TestEngine.tested) func experimentsKeepNamesTagsAndLifecycles(_ engine: TestEngine) async throws {
        try await TrackingDatabase.with(engine) { database in
            let experiments = database.experiments
            #expect(try await experiments.experiment(id: 0)?.name == "Default")
            let id = try await experiments.create(name: "fraud", artifactLocation: nil, tags: [KeyValue(key: "team", value: "risk")], now: 5)
            let other = try await experiments.create(name: "churn", artifactLocation: "/mnt/a", tags: [], now: 6)
            #expect(id != 0 && other > id)
            let fraud = try #require(try await experiments.experiment(named: "fraud"))
            #expect(fraud.artifactLocation == "mlflow-artifacts:/\(id)" && fraud.tags == [KeyValue(key: "team", value: "risk")])
            await #expect(throws: TrackingError.alreadyExists("Experiment(name=fraud) already exists.")) {
                _ = try await experiments.create(name: "fraud", artifactLocation: nil, tags: [], now: 7)
            }
            await #expect(throws: TrackingError.alreadyExists("Experiment(name=fraud) already exists.")) {
                _ = try await experiments.rename(id: other, to: "fraud", now: 7)
            }
            #expect(try await experiments.rename(id: other, to: "Churn v2", now: 8))
            #expect(try await !experiments.rename(id: 999, to: "x", now: 8))
            #expect(try await experiments.setTag(id: id, KeyValue(key: "team", value: "fraud-ops")))
            #expect(try await !experiments.setTag(id: 999, KeyValue(key: "team", value: "x")))
            #expect(try await experiments.experiment(id: id)?.tags == [KeyValue(key: "team", value: "fraud-ops")])
            #expect(try await experiments.deleteTag(id: id, key: "team"))
            #expect(try await !experiments.deleteTag(id: id, key: "team"))

            try await database.runs.create(Self.info("r1", experiment: id), tags: [])
            #expect(try await experiments.setLifecycle(id: id, stage: "deleted", now: 9))
            #expect(try await database.runs.run(id: "r1")?.info.lifecycleStage == "deleted")
            await #expect(throws: TrackingError.invalidParameter("The experiment \(id) must be in the 'active' state. Current state is deleted.")) {
                try await database.runs.create(Self.info("r2", experiment: id), tags: [])
            }
            await #expect(throws: TrackingError.notFound("No Experiment with id=4242 exists")) {
                try await database.runs.create(Self.info("r3", experiment: 4242), tags: [])
            }
            // Searches: LIKE is case-sensitive, ILIKE is not, names order by their bytes.
            let active = try await experiments.experiments(view: .activeOnly, filter: Self.search("", .experiments), order: [], offset: 0, limit: 10)
            #expect(active.map(\.name) == ["Default", "Churn v2"])  // newest first: Default was made just now
            let like = try await experiments.experiments(view: .all, filter: Self.search("name LIKE 'churn%'", .experiments), order: [], offset: 0, limit: 10)
            #expect(like.isEmpty)
            let ilike = try await experiments.experiments(view: .all, filter: Self.search("name ILIKE 'churn%'", .experiments), order: [], offset: 0, limit: 10)
            #expect(ilike.map(\.name) == ["Churn v2"])
            let byName = try await experiments.experiments(view: .all, filter: Self.search("", .experiments),
                                                           order: SearchOrder.parse(["name ASC"], attributes: .experiments), offset: 0, limit: 10)
            #expect(byName.map(\.name) == ["Churn v2", "Default", "fraud"])
        }
    }

    @Test(arguments: TestEngine.tested) func runsKeepTheFirstParamTheLatestMetricAndTheWholeHistory(_ engine: TestEngine) async throws {
        try await TrackingDatabase.with(engine) { database in
            let runs = database.runs
            try await runs.create(Self.info("r1", experiment: 0, name: "first"), tags: [KeyValue(key: "mlflow.runName", value: "first")])
            try await runs.log(runID: "r1", metrics: [Metric(key: "loss", value: 0.9, timestamp: 10, step: 0),
                                                      Metric(key: "loss", value: 0.5, timestamp: 11, step: 1),
                                                      Metric(key: "loss", value: .nan, timestamp: 12, step: 1),
                                                      Metric(key: "acc", value: 0.7, timestamp: 10, step: 0)],
                               params: [KeyValue(key: "lr", value: "0.1")], tags: [KeyValue(key: "mlflow.runName", value: "renamed")])
            // An older value never replaces a newer one, whichever arrives last.
            try await runs.log(runID: "r1", metrics: [Metric(key: "loss", value: 0.1, timestamp: 5, step: 0)], params: [], tags: [])
            let run = try #require(try await runs.run(id: "r1"))
            #expect(run.info.name == "renamed")
            #expect(run.params == [KeyValue(key: "lr", value: "0.1")])
            #expect(run.metrics.map(\.key) == ["acc", "loss"])
            let loss = try #require(run.metrics.last)
            #expect(loss.step == 1 && loss.timestamp == 12 && loss.value.isNaN)
            // The same param again is fine; another value is refused and nothing of that batch stays.
            try await runs.log(runID: "r1", metrics: [], params: [KeyValue(key: "lr", value: "0.1")], tags: [])
            await #expect(throws: TrackingError.invalidParameter("Changing param values is not allowed. Param with key='lr' was already logged with value='0.1' for run ID='r1'. Attempted logging new value '0.2'.")) {
                try await runs.log(runID: "r1", metrics: [Metric(key: "kept", value: 1, timestamp: 1, step: 0)], params: [KeyValue(key: "lr", value: "0.2")], tags: [])
            }
            #expect(try await runs.run(id: "r1")?.metrics.map(\.key) == ["acc", "loss"])
            let history = try await runs.metricHistory(runID: "r1", key: "loss", offset: 0, limit: 10)
            #expect(history.map(\.step) == [0, 0, 1, 1] && history.map(\.timestamp) == [5, 10, 11, 12])
            #expect(try await runs.metricHistory(runID: "r1", key: "loss", offset: 1, limit: 2).map(\.timestamp) == [10, 11])
            #expect(try await runs.metricSteps(runID: "r1", key: "loss", within: 1...5) == [1])
            #expect(try await runs.metricValues(runID: "r1", key: "loss", atSteps: [1]).map(\.runID) == ["r1", "r1"])
            await #expect(throws: TrackingError.notFound("Run with id=nope not found")) {
                _ = try await runs.metricHistory(runID: "nope", key: "loss", offset: 0, limit: 1)
            }
            // A thousand values in one batch (more than one insert's worth of rows).
            let many = (0..<1200).map { Metric(key: "curve", value: Double($0), timestamp: Int64($0), step: Int64($0)) }
            try await runs.log(runID: "r1", metrics: many, params: [], tags: [])
            #expect(try await runs.metricHistory(runID: "r1", key: "curve", offset: 0, limit: 5000).count == 1200)
            #expect(try await runs.run(id: "r1")?.metrics.first { $0.key == "curve" }?.value == 1199)

            let updated = try await runs.update(id: "r1", status: "FINISHED", endTime: 99, name: "final")
            #expect(updated?.status == "FINISHED" && updated?.endTime == 99 && updated?.name == "final")
            #expect(try await runs.run(id: "r1")?.tags.first { $0.key == "mlflow.runName" }?.value == "final")
            #expect(try await runs.update(id: "nope", status: "FINISHED", endTime: nil, name: nil) == nil)
            try await runs.deleteTag(runID: "r1", key: "mlflow.runName")
            await #expect(throws: TrackingError.notFound("No tag with name: mlflow.runName in run with id r1")) {
                try await runs.deleteTag(runID: "r1", key: "mlflow.runName")
            }
            #expect(try await runs.setLifecycle(id: "r1", stage: "deleted"))
            await #expect(throws: TrackingError.invalidParameter("The run r1 must be in the 'active' state. Current state is deleted.")) {
                try await runs.log(runID: "r1", metrics: [], params: [], tags: [])
            }
        }
    }

    @Test(arguments: TestEngine.tested) func runsRecordDatasetsAndModelsAndAreFoundByThem(_ engine: TestEngine) async throws {
        try await TrackingDatabase.with(engine) { database in
            let runs = database.runs
            let dataset = Dataset(name: "train", digest: "abc", sourceType: "local", source: "{}", schema: nil, profile: "{\"rows\": 3}")
            for (id, start) in [("r1", 1), ("r2", 2), ("r3", 3)] {
                try await runs.create(Self.info(id, experiment: 0, start: Int64(start), name: id), tags: [])
            }
            for id in ["r1", "r2"] {
                try await runs.logInputs(runID: id, datasets: [DatasetInput(dataset: dataset, tags: [KeyValue(key: "mlflow.data.context", value: id == "r1" ? "training" : "eval")])],
                                         models: ["m-1"])
            }
            try await runs.logOutputs(runID: "r3", models: [ModelOutput(modelID: "m-2", step: 4)])
            let r1 = try #require(try await runs.run(id: "r1"))
            #expect(r1.datasetInputs == [DatasetInput(dataset: dataset, tags: [KeyValue(key: "mlflow.data.context", value: "training")])])
            #expect(r1.modelInputs == ["m-1"])
            #expect(try await runs.run(id: "r3")?.modelOutputs == [ModelOutput(modelID: "m-2", step: 4)])
            func found(_ filter: String) async throws -> [String] {
                try await runs.runs(experimentIDs: [0], view: .activeOnly, filter: Self.search(filter), order: [], offset: 0, limit: 10).map(\.info.runID)
            }
            #expect(try await found("datasets.name = 'train'") == ["r2", "r1"])
            #expect(try await found("datasets.context = 'training'") == ["r1"])
            #expect(try await found("attributes.run_name IN ('r1', 'r3')") == ["r3", "r1"])
            #expect(try await found("attributes.run_name LIKE 'R%'") == [])
            #expect(try await found("attributes.run_name ILIKE 'R%'") == ["r3", "r2", "r1"])
            #expect(try await found("attributes.run_name LIKE 'r_'") == ["r3", "r2", "r1"])
            #expect(try await found("attributes.start_time > 1.5") == ["r3", "r2"])
            #expect(try await found("params.missing IS NULL") == ["r3", "r2", "r1"])
        }
    }

    /// Replicas on one PostgreSQL database: racing creations of one name make one experiment;
    /// metrics logged at once from two pools leave the newest value latest and every value in
    /// the history; racing first values of one param keep exactly one.
    @Test(.enabled(if: TestPostgres.enabled)) func replicasWritingAtOnceAgree() async throws {
        try await TrackingDatabase.with(.postgres) { database in
            let replica = try #require(database.replica())
            defer { replica.running.cancel() }
            let pairs: [(any ExperimentRepository, any RunRepository)] = [(database.experiments, database.runs), (replica.experiments, replica.runs)]
            let created = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        (try? await pairs[index % 2].0.create(name: "shared", artifactLocation: nil, tags: [], now: 1)) != nil
                    }
                }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(created == 1)
            let experiment = try #require(try await replica.experiments.experiment(named: "shared")).id
            try await database.runs.create(Self.info("shared-run", experiment: experiment), tags: [])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<2 {
                    group.addTask {
                        for step in 0..<25 {
                            let value = Double(step * 2 + writer)
                            try await pairs[writer].1.log(runID: "shared-run", metrics: [Metric(key: "loss", value: value, timestamp: Int64(step), step: Int64(step * 2 + writer))],
                                                          params: [], tags: [])
                        }
                    }
                }
                try await group.waitForAll()
            }
            let latest = try #require(try await replica.runs.run(id: "shared-run")?.metrics.first)
            #expect(latest.step == 49 && latest.value == 49)
            #expect(try await database.runs.metricHistory(runID: "shared-run", key: "loss", offset: 0, limit: 100).count == 50)
            let kept = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<6 {
                    group.addTask {
                        (try? await pairs[index % 2].1.log(runID: "shared-run", metrics: [], params: [KeyValue(key: "seed", value: "\(index)")], tags: [])) != nil
                    }
                }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(kept == 1)
            #expect(try await replica.runs.run(id: "shared-run")?.params.count == 1)
        }
    }
}
