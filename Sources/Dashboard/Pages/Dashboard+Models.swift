import ControlPlane
import Foundation
import Hummingbird
import Tracking

extension Dashboard {
    /// ZenML's models and MLflow's registered models on one page.
    @Sendable func modelList(_ request: Request, context: Context) async throws -> Response {
        try await signedIn(request) { viewer in
            let page = try await models.models(page: Self.pageNumber(request), size: Self.pageSize)
            let zenml: [[String: Any]] = page.items.map {
                ["id": $0.id, "name": $0.name, "versions": $0.versions, "latest": $0.latest ?? "", "production": $0.production ?? ""]
            }
            let registered = try await registry.models(filter: try SearchFilter("", attributes: .registeredModels), order: [], offset: 0, limit: 100)
            let mlflow: [[String: Any]] = registered.map { model in
                ["name": model.name, "description": model.description ?? "",
                 "stages": model.latestVersions.map { ["stage": $0.currentStage, "version": $0.version] },
                 "aliases": model.aliases.map { ["alias": $0.0, "version": $0.1] }, "updated": TimeText.moment(milliseconds: model.lastUpdatedTimestamp)]
            }
            return renderer.page("models", ["user": viewer.context, "items": zenml, "registered": mlflow, "pager": Self.pager(page, base: "/models")])
        }
    }

    /// One ZenML model: versions with stages, tags, linked runs and artifacts.
    @Sendable func modelPage(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        return try await signedIn(request) { viewer in
            guard let model = try await models.model(id: id) else {
                return notFound("There is no such model.", viewer)
            }
            let versions: [[String: Any]] = model.versions.map { version in
                ["name": version.name, "number": version.number, "stage": version.stage ?? "none", "created": TimeText.moment(version.created),
                 "tags": version.tags, "runs": version.runs.map { ["id": $0.id, "name": $0.name] },
                 "artifacts": version.artifacts.map { ["id": $0.versionID, "name": $0.name, "version": $0.version, "type": $0.type] }]
            }
            return renderer.page("model", ["user": viewer.context, "name": model.name, "description": model.description ?? "",
                                           "license": model.license ?? "", "tags": model.tags, "versions": versions])
        }
    }
}
