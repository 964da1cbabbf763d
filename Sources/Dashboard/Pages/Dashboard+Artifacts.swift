import ControlPlane
import Foundation
import Hummingbird

extension Dashboard {
    @Sendable func artifactList(_ request: Request, context: Context) async throws -> Response {
        try await signedIn(request) { viewer in
            let page = try await artifacts.artifacts(page: Self.pageNumber(request), size: Self.pageSize)
            let items: [[String: Any]] = page.items.map {
                ["id": $0.id, "name": $0.name, "versions": $0.versionCount, "latest": $0.latestVersion ?? "", "type": $0.latestType ?? "",
                 "updated": TimeText.moment($0.updated)]
            }
            return renderer.page("artifacts", ["user": viewer.context, "items": items, "pager": Self.pager(page, base: "/artifacts")])
        }
    }

    @Sendable func artifactVersions(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        return try await signedIn(request) { viewer in
            guard let found = try await artifacts.versions(artifactID: id, page: Self.pageNumber(request), size: Self.pageSize) else {
                return notFound("There is no such artifact.", viewer)
            }
            return renderer.page("artifactVersions", ["user": viewer.context, "artifact": found.name, "items": found.page.items.map(Self.versionRow),
                                                      "pager": Self.pager(found.page, base: "/artifacts/\(id)")])
        }
    }

    /// One version: metadata, tags, producer, consumers, and each visualization the server may read.
    @Sendable func artifactVersion(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        return try await signedIn(request) { viewer in
            guard let version = try await artifacts.version(id: id) else {
                return notFound("There is no such artifact version.", viewer)
            }
            var visualizations: [[String: Any]] = []
            for (index, type) in version.visualizationTypes.enumerated().prefix(8) {
                var shown: [String: Any] = ["index": index, "type": type]
                do {
                    shown.merge(VisualizationView.context(try await content.visualization(versionID: version.id, index: index))) { $1 }
                } catch let error as ControlPlaneError {
                    shown["problem"] = Self.reason(error)
                }
                visualizations.append(shown)
            }
            var page = Self.versionRow(version)
            page["user"] = viewer.context
            page["uri"] = version.uri
            page["dataType"] = version.dataType
            page["metadata"] = JSONText.pretty(version.metadata)
            page["consumers"] = version.consumers.map { ["step": $0.stepName, "runID": $0.runID, "run": $0.runName] }
            page["visualizations"] = visualizations
            return renderer.page("artifactVersion", page)
        }
    }

    static func versionRow(_ version: ArtifactVersionView) -> [String: Any] {
        var row: [String: Any] = ["id": version.id, "artifactID": version.artifactID, "artifact": version.artifactName, "version": version.version,
                                  "type": version.type, "created": TimeText.moment(version.created), "tags": version.tags]
        if let producer = version.producer { row["producer"] = ["step": producer.stepName, "runID": producer.runID, "run": producer.runName] }
        return row
    }

    /// Why a visualization is not shown, in words for the page.
    static func reason(_ error: ControlPlaneError) -> String {
        switch error {
        case let .notFound(message), let .invalid(message), let .forbidden(message), let .validation(message): return message
        default: return "It cannot be read."
        }
    }
}
