import Foundation
import PostgresTesting
import Testing
@testable import Tracking

/// MLflow 3's logged models, the same on each engine: created only in an active experiment,
/// write-once params, tags, the metrics a run logged against the model, status changes,
/// deletion, and searches by attribute, param and metric.
@Suite struct LoggedModelRepositoryTests {
    static func model(_ id: String, experiment: Int64, created: Int64, name: String) -> LoggedModel {
        LoggedModel(id: id, experimentID: experiment, name: name, artifactLocation: "mlflow-artifacts:/\(experiment)/models/\(id)/artifacts",
                    creationTimestamp: created, lastUpdatedTimestamp: created, status: "LOGGED_MODEL_PENDING", statusMessage: nil,
                    modelType: "sklearn", sourceRunID: "r1", lifecycleStage: "active")
    }

    @Test(arguments: TestEngine.tested) func modelsKeepParamsTagsMetricsAndAreSearched(_ engine: TestEngine) async throws {
        try await TrackingDatabase.with(engine) { database in
            let models = database.loggedModels
            var first = Self.model("m-1", experiment: 0, created: 1, name: "forest")
            first.tags = [KeyValue(key: "stage", value: "dev")]
            first.params = [KeyValue(key: "depth", value: "4")]
            try await models.create(first)
            try await models.create(Self.model("m-2", experiment: 0, created: 2, name: "boost"))
            await #expect(throws: TrackingError.notFound("No Experiment with id=77 exists")) {
                try await models.create(Self.model("m-3", experiment: 77, created: 3, name: "x"))
            }
            // Metrics logged by a run against each model; the newest value orders the search.
            try await database.runs.create(TrackingRepositoryTests.info("r1", experiment: 0), tags: [])
            func accuracy(_ model: String, _ value: Double, step: Int64) -> Metric {
                var metric = Metric(key: "accuracy", value: value, timestamp: step, step: step)
                metric.modelID = model
                return metric
            }
            try await database.runs.log(runID: "r1", metrics: [accuracy("m-1", 0.5, step: 0), accuracy("m-1", 0.8, step: 1), accuracy("m-2", 0.7, step: 0)],
                                        params: [], tags: [])
            try await models.logParams(id: "m-1", [KeyValue(key: "depth", value: "4")])
            await #expect(throws: TrackingError.invalidParameter("Changing param values is not allowed. Param with key='depth' was already logged with value='4' for logged model 'm-1'.")) {
                try await models.logParams(id: "m-1", [KeyValue(key: "depth", value: "5")])
            }
            await #expect(throws: TrackingError.notFound("Logged model with ID 'nope' not found.")) {
                try await models.setTags(id: "nope", [KeyValue(key: "a", value: "b")])
            }
            try await models.setTags(id: "m-1", [KeyValue(key: "stage", value: "prod")])
            try await models.deleteTag(id: "m-1", key: "stage")
            await #expect(throws: TrackingError.notFound("No tag with key 'stage' on logged model m-1")) {
                try await models.deleteTag(id: "m-1", key: "stage")
            }
            let ready = try #require(try await models.setStatus(id: "m-1", status: "LOGGED_MODEL_READY", message: nil))
            #expect(ready.status == "LOGGED_MODEL_READY" && ready.params == [KeyValue(key: "depth", value: "4")] && ready.tags.isEmpty)
            #expect(ready.metrics.map(\.value) == [0.5, 0.8] && ready.metrics.allSatisfy { $0.runID == "r1" })
            #expect(try await models.setStatus(id: "nope", status: "LOGGED_MODEL_READY", message: nil) == nil)

            func found(_ filter: String, _ order: [String] = []) async throws -> [String] {
                try await models.models(experimentIDs: [0], filter: SearchFilter(filter, attributes: .loggedModels),
                                        order: SearchOrder.parse(order, attributes: .loggedModels), offset: 0, limit: 10).map(\.id)
            }
            #expect(try await found("") == ["m-2", "m-1"])
            #expect(try await found("name = 'forest'") == ["m-1"])
            #expect(try await found("params.depth = '4'") == ["m-1"])
            #expect(try await found("", ["metrics.accuracy DESC"]) == ["m-1", "m-2"])
            #expect(try await found("", ["name ASC"]) == ["m-2", "m-1"])
            #expect(try await models.delete(id: "m-2"))
            #expect(try await !models.delete(id: "nope"))
            #expect(try await found("") == ["m-1"])
        }
    }
}
