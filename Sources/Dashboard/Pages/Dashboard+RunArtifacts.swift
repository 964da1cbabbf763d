import ArtifactStore
import Foundation
import HTTPTypes
import Hummingbird
import Tracking

extension Dashboard {
    static var proxiedScheme: String { "mlflow-artifacts:/" }

    /// The store path of a run's artifacts joined with `relative` (checked: no `..`, no
    /// absolute paths), or nil when the run's artifacts are not in this server's store.
    static func artifactPath(_ run: Run, relative: String?) throws -> ArtifactPath? {
        guard run.info.artifactURI.hasPrefix(proxiedScheme) else { return nil }
        let root = try ArtifactPath(String(run.info.artifactURI.dropFirst(proxiedScheme.count)))
        guard let relative, !relative.isEmpty else { return root }
        return root.appending(try ArtifactPath(relative))
    }

    /// The entries of one folder of a run's artifacts, for the run page.
    func artifactListing(_ run: Run, folder: String?) async -> [String: Any] {
        do {
            guard let path = try Self.artifactPath(run, relative: folder) else { return ["artifactsElsewhere": true] }
            let entries = try await blobs.list(path) ?? []
            let prefix = (folder ?? "").isEmpty ? "" : (folder ?? "") + "/"
            let experiment = run.info.experimentID, id = run.info.runID
            return ["folder": folder ?? "", "entries": entries.sorted { ($0.isDirectory ? 0 : 1, $0.name) < ($1.isDirectory ? 0 : 1, $1.name) }.map { entry in
                let relative = prefix + entry.name
                let query = relative.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                return entry.isDirectory
                    ? ["name": entry.name + "/", "href": "/experiments/\(experiment)/runs/\(id)?path=\(query)#artifacts", "size": ""]
                    : ["name": entry.name, "href": "/experiments/\(experiment)/runs/\(id)/artifact?path=\(query)", "size": SystemFacts.bytes(entry.size ?? 0)]
            }]
        } catch {
            return ["artifactsProblem": "This folder cannot be listed."]
        }
    }

    /// Downloads one artifact file of a run, always as an attachment (never shown inline, so
    /// an HTML artifact cannot run as a page of this site).
    @Sendable func runArtifact(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("run")
        return try await signedIn(request) { viewer in
            let missing = notFound("There is no such artifact.", viewer)
            guard let run = try await runs.run(id: id),
                  let path = try? Self.artifactPath(run, relative: Self.query(request, "path")), path.components.count > 0 else { return missing }
            let content: BlobContent
            do { content = try await blobs.get(path, range: nil) } catch { return missing }
            var headers = PageRenderer.securityHeaders
            headers[.contentType] = "application/octet-stream"
            headers[.contentLength] = String(content.size)
            let name = path.name.unicodeScalars.filter { $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 0x20 }.map(String.init).joined()
            headers[.contentDisposition] = "attachment; filename=\"\(name.isEmpty ? "artifact" : name)\""
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers, body: ResponseBody(asyncSequence: content.chunks))
        }
    }
}
