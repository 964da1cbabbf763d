import Hummingbird
import NIOCore

/// Builds the JSON responses of the ZenML API.
enum ZenMLResponse {
    /// `value` as `application/json` with `status`.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        serialized(value.serialized, status: status)
    }

    /// Already-serialized JSON (a replayed idempotent answer, for instance) with `status`.
    static func serialized(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        var buffer = ByteBufferAllocator().buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: buffer))
    }
}
