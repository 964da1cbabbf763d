import Foundation
import PostgresTesting
import Testing
@testable import Tracking

/// The model registry, the same on each engine: unique names, numbered versions that are
/// never reused, stages with archiving, tags, aliases, searches; and, on PostgreSQL, two
/// replicas registering versions of one model at once.
@Suite struct ModelRegistryRepositoryTests {
    static func draft(_ name: String, source: String = "models:/m-1", tags: [KeyValue] = []) -> ModelVersionDraft {
        ModelVersionDraft(name: name, source: source, runID: "r1", runLink: nil, description: nil, userID: "ada",
                          storageLocation: "mlflow-artifacts:/0/models/m-1/artifacts", modelID: "m-1", tags: tags)
    }

    @Test(arguments: TestEngine.tested) func modelsAndVersionsKeepNumbersStagesTagsAndAliases(_ engine: TestEngine) async throws {
        try await TrackingDatabase.with(engine) { database in
            let registry = database.registry
            let created = try await registry.createModel(name: "forest", description: "trees", tags: [KeyValue(key: "team", value: "risk")])
            #expect(created.name == "forest" && created.description == "trees" && created.tags == [KeyValue(key: "team", value: "risk")])
            await #expect(throws: TrackingError.alreadyExists("Registered Model (name=forest) already exists.")) {
                _ = try await registry.createModel(name: "forest", description: nil, tags: [])
            }
            await #expect(throws: TrackingError.notFound("Registered Model with name=nope not found")) {
                _ = try await registry.createVersion(Self.draft("nope"))
            }
            let one = try await registry.createVersion(Self.draft("forest", tags: [KeyValue(key: "k", value: "v")]))
            let two = try await registry.createVersion(Self.draft("forest"))
            #expect(one.version == 1 && two.version == 2 && one.currentStage == "None" && one.tags == [KeyValue(key: "k", value: "v")])

            // A deleted number is not given again.
            try await registry.deleteVersion(name: "forest", version: 2)
            #expect(try await registry.version(name: "forest", version: 2) == nil)
            await #expect(throws: TrackingError.notFound("Model Version (name=forest, version=2) not found")) {
                try await registry.deleteVersion(name: "forest", version: 2)
            }
            #expect(try await registry.createVersion(Self.draft("forest")).version == 3)

            // Moving into Production with archiving leaves one version there.
            _ = try await registry.transition(name: "forest", version: 1, stage: "Production", archiveOthers: false)
            let moved = try await registry.transition(name: "forest", version: 3, stage: "Production", archiveOthers: true)
            #expect(moved.currentStage == "Production")
            #expect(try await registry.version(name: "forest", version: 1)?.currentStage == "Archived")
            let latest = try await registry.latestVersions(name: "forest", stages: [])
            #expect(latest.map(\.version) == [1, 3] && latest.map(\.currentStage) == ["Archived", "Production"])
            #expect(try await registry.latestVersions(name: "forest", stages: ["Production"]).map(\.version) == [3])

            try await registry.setAlias(name: "forest", alias: "champion", version: 1)
            try await registry.setAlias(name: "forest", alias: "champion", version: 3)
            try await registry.setAlias(name: "forest", alias: "backup", version: 1)
            #expect(try await registry.version(name: "forest", alias: "champion")?.version == 3)
            let model = try #require(try await registry.model(name: "forest"))
            #expect(model.aliases.map(\.0) == ["backup", "champion"] && model.aliases.map(\.1) == [1, 3])
            #expect(try await registry.version(name: "forest", version: 1)?.aliases == ["backup"])
            try await registry.deleteAlias(name: "forest", alias: "backup")
            #expect(try await registry.version(name: "forest", alias: "backup") == nil)

            try await registry.setVersionTag(name: "forest", version: 3, KeyValue(key: "validated", value: "yes"))
            try await registry.deleteVersionTag(name: "forest", version: 1, key: "k")
            #expect(try await registry.version(name: "forest", version: 1)?.tags == [])
            #expect(try await registry.updateVersion(name: "forest", version: 3, description: "best").description == "best")
            try await registry.setModelTag(name: "forest", KeyValue(key: "team", value: "fraud"))
            try await registry.deleteModelTag(name: "forest", key: "missing")
            #expect(try await registry.updateModel(name: "forest", description: "woods").tags == [KeyValue(key: "team", value: "fraud")])

            let renamed = try await registry.renameModel(name: "forest", to: "woods")
            #expect(renamed.name == "woods" && renamed.latestVersions.allSatisfy { $0.name == "woods" })
            _ = try await registry.createModel(name: "boost", description: nil, tags: [])
            await #expect(throws: TrackingError.alreadyExists("Registered Model (name=boost) already exists.")) {
                _ = try await registry.renameModel(name: "woods", to: "boost")
            }

            func models(_ filter: String, _ order: [String] = []) async throws -> [String] {
                try await registry.models(filter: SearchFilter(filter, attributes: .registeredModels),
                                          order: SearchOrder.parse(order, attributes: .registeredModels), offset: 0, limit: 10).map(\.name)
            }
            #expect(try await models("") == ["boost", "woods"])
            #expect(try await models("name LIKE 'wo%'") == ["woods"])
            #expect(try await models("tags.team = 'fraud'") == ["woods"])
            // The registry's `!=` also matches models without the tag (how the client hides prompts).
            #expect(try await models("tags.team != 'risk'") == ["boost", "woods"])
            #expect(try await models("", ["name DESC"]) == ["woods", "boost"])

            func versions(_ filter: String) async throws -> [Int64] {
                try await registry.versions(filter: SearchFilter(filter, attributes: .modelVersions), order: [], offset: 0, limit: 10).map(\.version)
            }
            #expect(try await versions("name = 'woods'") == [3, 1])
            #expect(try await versions("tags.validated = 'yes'") == [3])
            #expect(try await versions("current_stage = 'Archived'") == [1])

            try await registry.deleteModel(name: "woods")
            #expect(try await registry.model(name: "woods") == nil)
            #expect(try await versions("") == [])
            // The name is free again, and its numbers start over with the new model.
            _ = try await registry.createModel(name: "woods", description: nil, tags: [])
            #expect(try await registry.createVersion(Self.draft("woods")).version == 1)
        }
    }

    @Test(.enabled(if: TestPostgres.enabled)) func replicasRegisteringVersionsAtOnceGetConsecutiveNumbers() async throws {
        try await TrackingDatabase.with(.postgres) { database in
            let replica = try #require(database.replica())
            defer { replica.running.cancel() }
            _ = try await database.registry.createModel(name: "shared", description: nil, tags: [])
            let registries = [database.registry, replica.registry]
            let numbers = try await withThrowingTaskGroup(of: Int64.self) { group in
                for index in 0..<12 {
                    group.addTask { try await registries[index % 2].createVersion(Self.draft("shared")).version }
                }
                return try await group.reduce(into: [Int64]()) { $0.append($1) }
            }
            #expect(numbers.sorted() == Array(1...12))
            let created = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<6 {
                    group.addTask { (try? await registries[index % 2].createModel(name: "raced", description: nil, tags: [])) != nil }
                }
                return await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
            }
            #expect(created == 1)
        }
    }
}
