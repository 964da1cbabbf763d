import HTTPTypes
import Hummingbird

/// The headers a downloaded artifact is served with. Types a browser would run (HTML,
/// SVG, JavaScript, XML) go out as plain text, and every file with `nosniff` and a sandbox
/// policy, so an uploaded file can never script the server's own origin.
enum ArtifactMediaType {
    static let safeTypes: [String: String] = [
        "txt": "text/plain; charset=utf-8", "log": "text/plain; charset=utf-8", "md": "text/plain; charset=utf-8",
        "csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8",
        "json": "application/json", "yaml": "text/plain; charset=utf-8", "yml": "text/plain; charset=utf-8",
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp",
        "pdf": "application/pdf", "parquet": "application/octet-stream", "pkl": "application/octet-stream",
    ]
    static let scriptable: Set<String> = ["html", "htm", "svg", "js", "mjs", "xml", "xhtml", "xht"]

    static func headers(for name: String) -> HTTPFields {
        let ext = name.split(separator: ".").count > 1 ? name.split(separator: ".").last.map { $0.lowercased() } ?? "" : ""
        let type = scriptable.contains(ext) ? "text/plain; charset=utf-8" : safeTypes[ext] ?? "application/octet-stream"
        return [.contentType: type, HTTPField.Name("X-Content-Type-Options")!: "nosniff",
                .contentSecurityPolicy: "sandbox; default-src 'none'"]
    }
}
