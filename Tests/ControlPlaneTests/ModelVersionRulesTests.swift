import ControlPlane
import HTTPTypes
import Testing

/// Model versions are numbered and stages held by the database's constraints, so several
/// writers at once can neither share a number nor both hold `production`.
@Suite struct ModelVersionRulesTests {
    @Test func concurrentVersionsGetDistinctNumbersAndOneVersionHoldsAStage() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            let project = try await admin.defaultProjectID()
            let model = try #require(try await admin.call(.post, "/api/v1/models", json: #"{"project":"\#(project)","name":"churn"}"#).json["id"]?.stringValue)
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        let created = try await admin.call(.post, "/api/v1/model_versions", json: #"{"project":"\#(project)","model":"\#(model)"}"#)
                        return try #require(created.json["id"]?.stringValue, "\(created.status) \(created.text)")
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            let listed = try await admin.call(.get, "/api/v1/model_versions?model=churn&size=50&sort_by=number")
            let numbers = listed.json["items"]?.arrayValue?.compactMap { $0["body"]?["number"]?.intValue } ?? []
            #expect(numbers == Array(1...8), "\(listed.text)")
            #expect(Set(ids).count == 8)

            // Four writers force `production` onto four versions: exactly one ends up holding it.
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for id in ids.prefix(4) {
                    group.addTask {
                        try await admin.call(.put, "/api/v1/model_versions/\(id)", json: #"{"stage":"production","force":true}"#).status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .ok || $0 == .conflict }, "\(statuses)")
            let held = try await admin.call(.get, "/api/v1/model_versions?model=churn&stage=production")
            #expect(held.json["total"]?.intValue == 1, "\(held.text)")

            // Without force a held stage is refused as the client expects (a RuntimeError), and nothing changes.
            let holder = try #require(held.json["items"]?.arrayValue?.first?["id"]?.stringValue)
            let other = try #require(ids.first { $0 != holder })
            let refused = try await admin.call(.put, "/api/v1/model_versions/\(other)", json: #"{"stage":"production"}"#)
            #expect(refused.status == .preconditionFailed && refused.json["detail"]?.arrayValue?.first == "RuntimeError", "\(refused.text)")
            #expect(try await admin.call(.get, "/api/v1/model_versions?model=churn&stage=production").json["items"]?.arrayValue?.first?["id"]?.stringValue == holder)

            // Names: a number or a stage is not a version name; a taken name is a 409.
            for bad in ["12", "production", "latest"] {
                let answer = try await admin.call(.post, "/api/v1/model_versions", json: #"{"project":"\#(project)","model":"\#(model)","name":"\#(bad)"}"#)
                #expect(answer.status == .badRequest, "\(bad): \(answer.text)")
            }
            _ = try await admin.call(.post, "/api/v1/model_versions", json: #"{"project":"\#(project)","model":"\#(model)","name":"golden"}"#)
            let taken = try await admin.call(.post, "/api/v1/model_versions", json: #"{"project":"\#(project)","model":"\#(model)","name":"golden"}"#)
            #expect(taken.status == .conflict, "\(taken.text)")
            let unknownStage = try await admin.call(.put, "/api/v1/model_versions/\(other)", json: #"{"stage":"moon"}"#)
            #expect(unknownStage.status == .unprocessableContent, "\(unknownStage.text)")
            let unknownModel = try await admin.call(.post, "/api/v1/model_versions", json: #"{"project":"\#(project)","model":"00000000-0000-0000-0000-000000000000"}"#)
            #expect(unknownModel.status == .notFound, "\(unknownModel.text)")
        }
    }
}
