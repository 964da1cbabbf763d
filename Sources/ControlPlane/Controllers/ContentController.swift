import Foundation
import Hummingbird

/// Artifact content the server reads itself, as ZenML's control plane does for its
/// dashboard: visualizations of artifact versions and the logs of steps and runs, from a
/// local artifact store under the site's `ArtifactReadPolicy` or from an S3 store the site allows.
struct ContentController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints
    let artifacts: ArtifactContent
    var content: any ArtifactContentRepository { artifacts.content }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("artifact_versions/:id/visualize", use: visualize)
        group.get("steps/:id/logs", use: stepLogs)
        group.get("runs/:id/logs", use: runLogs)
        group.get("logs/:id/entries", use: logEntries)
    }

    /// `{type, value}`: the text of an HTML, Markdown, CSV or JSON visualization, an image in base64.
    @Sendable func visualize(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id").lowercased()
        let index = try endpoints.queryItems(request).last { $0.0 == "index" }.map { try ListQuery.integer("index", $0.1, minimum: 0) } ?? 0
        let loaded = try await artifacts.visualization(versionID: id, index: index)
        let value = loaded.type == "image" ? Data(loaded.bytes).base64EncodedString() : String(decoding: loaded.bytes, as: UTF8.self)
        return ZenMLResponse.json(["type": .string(loaded.type), "value": .string(value)])
    }

    @Sendable func stepLogs(_ request: Request, context: Context) async throws -> Response {
        try await ownedLogs(.step, request, context)
    }

    @Sendable func runLogs(_ request: Request, context: Context) async throws -> Response {
        try await ownedLogs(.run, request, context)
    }

    /// A step's or run's log entries, chosen by `source` or `logs_id` (exactly one, as in ZenML).
    func ownedLogs(_ owner: LogOwner, _ request: Request, _ context: Context) async throws -> Response {
        let id = try context.parameters.require("id").lowercased()
        let query = endpoints.queryItems(request)
        let source = query.last { $0.0 == "source" }?.1, logsID = query.last { $0.0 == "logs_id" }?.1
        guard (source == nil) != (logsID == nil) else {
            throw ControlPlaneError.invalid(source == nil ? "Either source or logs_id must be provided." : "Only one of source or logs_id must be provided.")
        }
        let location = try await content.logs(of: owner, id: id, source: source, logsID: logsID)
        return ZenMLResponse.json(.array(try await entries(location)))
    }

    /// One logs record's entries, oldest first: `limit` (1–10000) from the `start` (`oldest`
    /// or `newest`), at least `level`, containing `search`. Cursors are not served.
    @Sendable func logEntries(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        var limit = 1000, newest = false, level: Int64?, search: String?
        for (key, value) in endpoints.queryItems(request) {
            switch key {
            case "limit": limit = try ListQuery.integer(key, value, minimum: 1, maximum: 10_000)
            case "start":
                guard value == "oldest" || value == "newest" else { throw ListQuery.bad(key, "Input should be 'oldest' or 'newest'") }
                newest = value == "newest"
            case "level": level = Int64(try ListQuery.integer(key, value, minimum: 0, maximum: 50))
            case "search": search = value
            case "before", "after", "since", "until": throw ListQuery.bad(key, "Enclave does not page log entries by '\(key)' yet; leave it out")
            default: continue
            }
        }
        var items = try await entries(try await content.logs(id: id))
        if let level { items = items.filter { ($0["level"]?.intValue ?? 0) >= level } }
        if let search { items = items.filter { $0["message"]?.stringValue?.contains(search) ?? false } }
        let page = newest ? Array(items.suffix(limit)) : Array(items.prefix(limit))
        return ZenMLResponse.json(["items": .array(page), "before": nil, "after": nil])
    }

    /// The entries of a log file (or folder): one JSON object per line; a line that is not
    /// JSON becomes an entry holding it as its message.
    func entries(_ location: ContentLocation) async throws -> [JSONValue] {
        let files = try await artifacts.files(location)
        return files.flatMap { bytes in
            bytes.split(separator: UInt8(ascii: "\n")).compactMap { line -> JSONValue? in
                guard !line.isEmpty else { return nil }
                if let entry = try? JSONValue.parse(Array(line)), entry.objectValue != nil, entry["message"] != nil { return entry }
                return ["message": .string(String(decoding: line, as: UTF8.self))]
            }
        }
    }
}
