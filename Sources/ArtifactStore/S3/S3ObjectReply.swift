import AsyncHTTPClient
import NIOCore

/// An object's answer from the store: its status, length, the range it covers and its
/// bytes as the artifact store hands them on.
struct S3ObjectReply {
    let response: HTTPClientResponse

    init(_ response: HTTPClientResponse) { self.response = response }

    var status: Int { Int(response.status.code) }

    /// `Content-Length`, when the store sent one.
    var length: Int64? { response.headers.first(name: "content-length").flatMap { Int64($0) } }

    /// `Content-Range: bytes FIRST-LAST/SIZE` read into the range served and the object's size.
    var contentRange: (range: ClosedRange<Int64>, size: Int64)? {
        guard let header = response.headers.first(name: "content-range"), header.hasPrefix("bytes ") else { return nil }
        let parts = header.dropFirst(6).split(separator: "/")
        guard parts.count == 2, let size = Int64(parts[1]) else { return nil }
        let bounds = parts[0].split(separator: "-")
        guard bounds.count == 2, let first = Int64(bounds[0]), let last = Int64(bounds[1]), first <= last else { return nil }
        return (first...last, size)
    }

    /// The body as it arrives; a body that ends before `expected` bytes is an error, never
    /// a short file passed on as whole.
    func chunks(expected: Int64, path: ArtifactPath) -> AsyncThrowingStream<ByteBuffer, any Error> {
        var iterator = response.body.makeAsyncIterator()
        var received: Int64 = 0
        return AsyncThrowingStream {
            do {
                guard let chunk = try await iterator.next() else {
                    guard received == expected else {
                        throw ArtifactStoreError.storage("'\(path)' ended early: \(received) of \(expected) bytes came from the object store")
                    }
                    return nil
                }
                received += Int64(chunk.readableBytes)
                return chunk
            } catch let error as ArtifactStoreError {
                throw error
            } catch {
                throw ArtifactStoreError.storage("reading '\(path)' from the object store failed: \(S3Client.reason(error))")
            }
        }
    }
}
