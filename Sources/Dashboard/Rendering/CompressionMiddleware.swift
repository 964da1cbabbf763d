import HTTPTypes
import Hummingbird
import NIOCore

/// Compresses the dashboard's pages and assets with gzip when the browser accepts it (text
/// types from 1 KiB to 4 MiB; the API's JSON and artifact downloads never pass through here).
struct CompressionMiddleware<Context: RequestContext>: RouterMiddleware {
    static var compressible: [String] { ["text/html", "text/css", "text/javascript", "image/svg+xml"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        let accepts = request.headers[values: .acceptEncoding].joined(separator: ",").lowercased().contains("gzip")
        let type = response.headers[.contentType] ?? ""
        guard accepts, response.headers[.contentEncoding] == nil, Self.compressible.contains(where: type.hasPrefix),
              let length = response.body.contentLength, (1024...4 * 1024 * 1024).contains(length) else { return response }
        let collector = BodyCollector()
        try await response.body.write(collector)
        guard let zipped = Gzip.compress(collector.bytes) else {
            response.body = ResponseBody(byteBuffer: ByteBuffer(bytes: collector.bytes))
            return response
        }
        response.headers[.contentEncoding] = "gzip"
        response.headers[.vary] = "Accept-Encoding"
        response.headers[.contentLength] = nil
        response.body = ResponseBody(byteBuffer: ByteBuffer(bytes: zipped))
        return response
    }
}

/// Gathers a response body's bytes in memory (bodies here are small, rendered pages).
final class BodyCollector: ResponseBodyWriter, @unchecked Sendable {
    var bytes: [UInt8] = []

    func write(_ buffer: ByteBuffer) async throws { bytes += buffer.readableBytesView }
    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
