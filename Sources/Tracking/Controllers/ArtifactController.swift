import ArtifactStore
import Foundation
import Hummingbird
import NIOCore

/// The artifact proxy (`/api/2.0/mlflow-artifacts/…`): the client uploads, lists,
/// downloads and deletes run and model files through the server, which keeps them in the
/// artifact store. Paths are checked by `ArtifactPath` before anything touches the disk.
struct ArtifactController<Context: TrackingRequestContext> {
    let blobs: any MultipartBlobStore
    let parts: MultipartPartSigner
    let owners: ArtifactOwners
    /// The path prefixes the proxy answers under.
    static var prefixes: [String] { ["api/2.0/mlflow-artifacts", "ajax-api/2.0/mlflow-artifacts"] }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("artifacts", use: list)
        group.get("artifacts/**", use: download)
        group.head("artifacts/**", use: download)
        group.put("artifacts/**", use: upload)
        group.delete("artifacts/**", use: delete)
        group.post("mpu/create/**", use: createUpload)
        group.post("mpu/complete/**", use: completeUpload)
        group.post("mpu/abort/**", use: abortUpload)
        group.put("mpu/part/{upload}/{part}", use: uploadPart)
        group.get("presigned/**", use: presigned)
    }

    /// The artifact path that follows `marker` in the request's path, decoded once.
    static func path(_ request: Request, after marker: String) throws -> ArtifactPath {
        let raw = request.uri.path
        guard let range = raw.range(of: marker) else { throw TrackingError.invalidParameter("Missing artifact path") }
        guard let decoded = String(raw[range.upperBound...]).removingPercentEncoding else {
            throw TrackingError.invalidParameter("Invalid artifact path: malformed percent-encoding")
        }
        return try ArtifactPath(decoded)
    }

    func list(_ request: Request, context: Context) async throws -> Response {
        let fields = try MLflowRequest.formFields(request.uri.query ?? "")
        let raw = fields.last { $0.0 == "path" }?.1 ?? ""
        let path = raw.isEmpty ? nil : try ArtifactPath(raw)
        guard let entries = try await blobs.list(path) else { return try MLflowWire.response([:]) }
        let files: [[String: Any]] = entries.map { entry in
            var file: [String: Any] = ["path": entry.name, "is_dir": entry.isDirectory]
            if let size = entry.size { file["file_size"] = size }
            return file
        }
        return try MLflowWire.response(files.isEmpty ? [:] : ["files": files])
    }

    func download(_ request: Request, context: Context) async throws -> Response {
        let path = try Self.path(request, after: "/mlflow-artifacts/artifacts/")
        let content: BlobContent
        do {
            var range: ClosedRange<Int64>?
            if let header = request.headers[.range] {
                guard let info = try await blobs.stat(path) else { throw ArtifactStoreError.notFound("") }
                range = try ByteRange(header).resolved(size: info.size)
            }
            content = try await blobs.get(path, range: range)
        } catch ArtifactStoreError.notFound, ArtifactStoreError.wrongKind {
            throw TrackingError.notFound("No such artifact: '\(path)'")
        }
        var headers = ArtifactMediaType.headers(for: path.name)
        headers[.acceptRanges] = "bytes"
        let length = content.range.map { $0.upperBound - $0.lowerBound + 1 } ?? content.size
        headers[.contentLength] = String(length)
        var status = HTTPResponse.Status.ok
        if let served = content.range {
            status = .partialContent
            headers[.contentRange] = "bytes \(served.lowerBound)-\(served.upperBound)/\(content.size)"
        }
        if request.method == .head { return Response(status: status, headers: headers) }
        return Response(status: status, headers: headers, body: PacedResponseBody.make(content.chunks, eventLoop: context.connectionEventLoop))
    }

    func upload(_ request: Request, context: Context) async throws -> Response {
        let path = try Self.path(request, after: "/mlflow-artifacts/artifacts/")
        try await owners.requireWritable(path)
        _ = try await blobs.put(path, chunks: request.body, limit: nil)
        return Response(status: .ok, headers: [.contentLength: "0"])
    }

    func delete(_ request: Request, context: Context) async throws -> Response {
        let path = try Self.path(request, after: "/mlflow-artifacts/artifacts/")
        try await owners.requireWritable(path)
        try await blobs.delete(path)
        return try MLflowWire.response([:])
    }

    /// `mpu/create/<folder>` with `{path: <local file>, num_parts}`: the file becomes
    /// `<folder>/<its base name>`; each part gets a URL signed for that upload and part,
    /// since the client sends parts without its credentials.
    func createUpload(_ request: Request, context: Context) async throws -> Response {
        let folder = try Self.path(request, after: "/mlflow-artifacts/mpu/create/")
        let fields = try await MLflowRequest.read(request, limit: 1 << 20)
        let local = try fields.requiredString("path")
        let name = try ArtifactPath(String(local.split(separator: "/").last ?? ""))
        let count = try fields.int64("num_parts") ?? 1
        guard count >= 1, count <= Int64(MultipartLimits.maximumParts) else {
            throw TrackingError.invalidParameter("num_parts must be between 1 and \(MultipartLimits.maximumParts)")
        }
        let target = folder.appending(name)
        try await owners.requireWritable(target)
        let upload = try await blobs.beginUpload(target)
        let base = parts.baseURL(request)
        let credentials: [[String: Any]] = (1...Int(count)).map { number in
            ["part_number": number, "url": "\(base)/mpu/part/\(upload)/\(number)?signature=\(parts.signature(upload: upload, part: number))",
             "headers": [String: String]()]
        }
        return try MLflowWire.response(["upload_id": upload, "credentials": credentials])
    }

    func completeUpload(_ request: Request, context: Context) async throws -> Response {
        _ = try Self.path(request, after: "/mlflow-artifacts/mpu/complete/")
        let fields = try await MLflowRequest.read(request, limit: 8 << 20)
        let upload = try fields.requiredString("upload_id")
        let numbers = try fields.objects("parts").map { part -> Int in
            guard let number = try part.int64("part_number"), number >= 1, number <= Int64(MultipartLimits.maximumParts) else {
                throw TrackingError.invalidParameter("Each part needs a part_number from 1 to \(MultipartLimits.maximumParts)")
            }
            return Int(number)
        }
        _ = try await blobs.completeUpload(upload, parts: numbers)
        return try MLflowWire.response([:])
    }

    func abortUpload(_ request: Request, context: Context) async throws -> Response {
        _ = try Self.path(request, after: "/mlflow-artifacts/mpu/abort/")
        let fields = try await MLflowRequest.read(request, limit: 1 << 20)
        try await blobs.abortUpload(try fields.requiredString("upload_id"))
        return try MLflowWire.response([:])
    }

    /// A part sent to its signed URL (the auth middleware let it through on the signature).
    func uploadPart(_ request: Request, context: Context) async throws -> Response {
        let upload = try context.parameters.require("upload")
        guard let part = Int(try context.parameters.require("part")) else { throw TrackingError.invalidParameter("Invalid part number") }
        let etag = try await blobs.putPart(upload: upload, number: part, chunks: request.body, limit: nil)
        return Response(status: .ok, headers: [.eTag: "\"\(etag)\"", .contentLength: "0"])
    }

    /// Presigned downloads would hand out URLs to the store itself; the local store has none.
    func presigned(_ request: Request, context: Context) async throws -> Response {
        throw TrackingError.notImplemented("Presigned download URLs are not supported by this artifact store; download through the proxy.")
    }
}
