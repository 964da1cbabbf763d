import Crypto
import HTTPTypes
import Hummingbird
import Foundation
import NIOCore

/// Gives every rendered page an ETag so a browser revalidating it (`Cache-Control: private,
/// no-cache`) gets a bodiless 304 when nothing on the page changed. Pages that must never be
/// kept (`no-store`: revealed values, downloads) and anything but a GET's 200 pass untouched.
struct PageValidationMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        guard request.method == .get || request.method == .head, response.status == .ok,
              response.headers[.contentType]?.hasPrefix("text/html") == true,
              response.headers[.cacheControl]?.contains("no-store") == false,
              let length = response.body.contentLength, length <= 4 * 1024 * 1024 else { return response }
        let collector = BodyCollector()
        try await response.body.write(collector)
        let tag = Self.entityTag(collector.bytes)
        response.headers[.eTag] = tag
        let offered = request.headers[values: .ifNoneMatch].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if offered.contains(tag) || offered.contains("*") {
            response.status = .notModified
            response.headers[.contentLength] = nil
            response.body = ResponseBody()
        } else {
            response.body = ResponseBody(byteBuffer: ByteBuffer(bytes: collector.bytes))
        }
        return response
    }

    /// A weak tag (the bytes sent may be gzipped) from the page's SHA-256.
    static func entityTag(_ bytes: [UInt8]) -> String {
        "W/\"" + SHA256.hash(data: bytes).prefix(12).map { String(format: "%02x", $0) }.joined() + "\""
    }
}
