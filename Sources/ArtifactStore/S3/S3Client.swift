import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// What a request to the store carries: nothing, bytes in memory, or a stream whose
/// length and SHA-256 are known beforehand (a part spooled to disk). Every body is signed
/// with its SHA-256, so the store rejects bytes that changed on the way.
enum S3Body: Sendable {
    case empty
    case bytes(ByteBuffer)
    case stream(@Sendable () -> AsyncThrowingStream<ByteBuffer, any Error>, length: Int64, sha256: String)
}

extension S3Client {
    /// The connections every S3 store of the process shares: 5 s to connect (a connection
    /// refused is tried again with backoff until then), 60 s of silence mid-answer at most,
    /// up to 32 connections to the store. Lives as long as the process, like
    /// AsyncHTTPClient's own shared client.
    static let pool: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(60))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 32)
        configuration.decompression = .disabled
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()
}

/// An answer the store gave with an error status, with its S3 error code.
struct S3Failure: Error {
    let status: Int
    let code: String
    let message: String
}

/// Signed requests to one bucket of an S3-compatible store, path-style
/// (`http://HOST:PORT/BUCKET/KEY`, which every S3-compatible server takes), over
/// AsyncHTTPClient's shared connection pool.
struct S3Client: Sendable {
    let location: S3Location
    let signer: SigV4Signer
    let http: HTTPClient

    init(location: S3Location, http: HTTPClient = S3Client.pool) {
        self.location = location
        signer = SigV4Signer(credentials: location.credentials, region: location.region)
        self.http = http
    }

    /// Sends one request for `key` (nil: the bucket itself) and returns the answer when its
    /// status is 2xx (or one of `accepting`); any other status is an `S3Failure`. Requests
    /// with a body in memory, or none, are tried again after a lost connection or a 5xx.
    func send(_ method: HTTPMethod, key: String?, query: [(String, String)] = [], headers: [(String, String)] = [],
              body: S3Body = .empty, accepting: Set<Int> = [], timeout: TimeAmount = .seconds(60)) async throws -> HTTPClientResponse {
        let retryable: Bool
        if case .stream = body { retryable = false } else { retryable = true }
        var attempt = 0
        while true {
            attempt += 1
            do {
                let response = try await sendOnce(method, key: key, query: query, headers: headers, body: body, timeout: timeout)
                let status = Int(response.status.code)
                if (200..<300).contains(status) || accepting.contains(status) { return response }
                let text = (try? await response.body.collect(upTo: 1 << 16)).map { [UInt8](buffer: $0) } ?? []
                let reply = S3XMLReply(text)
                let failure = S3Failure(status: status, code: reply.value("Code") ?? "HTTP \(status)", message: reply.value("Message") ?? "")
                if status >= 500, retryable, attempt < 3 { try await Task.sleep(for: .milliseconds(100 * attempt * attempt)); continue }
                throw failure
            } catch let error as S3Failure {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                if retryable, attempt < 2 { try await Task.sleep(for: .milliseconds(100)); continue }
                throw ArtifactStoreError.storage("cannot reach the object store at \(location.hostHeader): \(Self.reason(error))")
            }
        }
    }

    func sendOnce(_ method: HTTPMethod, key: String?, query: [(String, String)], headers: [(String, String)],
                  body: S3Body, timeout: TimeAmount) async throws -> HTTPClientResponse {
        let path = SigV4Signer.encodePath("/" + location.bucket + (key.map { "/" + $0 } ?? ""))
        let queryText = SigV4Signer.canonicalQuery(query)
        let payloadHash: String
        var request = HTTPClientRequest(url: "\(location.scheme)://\(location.hostHeader)\(path)\(queryText.isEmpty ? "" : "?" + queryText)")
        request.method = method
        switch body {
        case .empty:
            payloadHash = SigV4Signer.emptyPayloadHash
        case .bytes(let buffer):
            payloadHash = buffer.withUnsafeReadableBytes { SigV4Signer.sha256Hex(Data($0)) }
            request.body = .bytes(buffer)
        case .stream(let chunks, let length, let sha256):
            payloadHash = sha256
            request.body = .stream(chunks(), length: .known(length))
        }
        let signed = [("host", location.hostHeader), ("x-amz-content-sha256", payloadHash)] + headers
        for (name, value) in signed + signer.sign(method: method.rawValue, path: path, query: query, headers: signed,
                                                  payloadHash: payloadHash, date: Date()) where name != "host" {
            request.headers.add(name: name, value: value)
        }
        return try await http.execute(request, timeout: timeout)
    }

    /// A failure's cause in a few words, never with a key or a signature in it.
    static func reason(_ error: any Error) -> String {
        if let client = error as? HTTPClientError { return "\(client)" }
        if let io = error as? IOError { return io.description }
        return String(describing: type(of: error))
    }
}

extension HTTPClientResponse {
    /// The whole body, up to `limit` bytes, as bytes.
    func bytes(upTo limit: Int) async throws -> [UInt8] {
        [UInt8](buffer: try await body.collect(upTo: limit))
    }
}
