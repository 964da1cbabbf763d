import NIOCore

/// Reads objects of one S3-compatible bucket whole, for answers the server builds itself
/// from files its clients wrote there (ZenML visualizations and step logs).
public struct S3ObjectReader: Sendable {
    let client: S3Client

    /// A reader of the bucket at `location`, with its endpoint and keys.
    public init(location: S3Location) { client = S3Client(location: location) }

    public var location: S3Location { client.location }

    /// The object at `key`, refused past `limit` bytes; nil when there is none.
    public func object(key: String, limit: Int) async throws -> [UInt8]? {
        do {
            let reply = try await client.send(.GET, key: key, accepting: [404])
            if reply.status.code == 404 { return nil }
            if let length = reply.headers.first(name: "content-length").flatMap({ Int($0) }), length > limit {
                throw ArtifactStoreError.tooLarge("'\(key)' is larger than \(limit) bytes")
            }
            return try await reply.bytes(upTo: limit)
        } catch let failure as S3Failure {
            throw ArtifactStoreError.storage("the object store refused '\(key)' (\(failure.code))")
        } catch let error as NIOTooManyBytesError {
            _ = error
            throw ArtifactStoreError.tooLarge("'\(key)' is larger than \(limit) bytes")
        }
    }

    /// Every key under `prefix`, all levels down, in the store's (byte) order.
    public func keys(under prefix: String) async throws -> [String] {
        do {
            return try await client.keys(under: prefix)
        } catch let failure as S3Failure {
            throw ArtifactStoreError.storage("the object store refused to list '\(prefix)' (\(failure.code))")
        }
    }
}

extension S3Client {
    /// Every key that starts with `prefix`, all levels down.
    func keys(under prefix: String) async throws -> [String] {
        var keys: [String] = []
        var token: String?
        repeat {
            var query = [("list-type", "2"), ("prefix", prefix)]
            if let token { query.append(("continuation-token", token)) }
            let reply = S3XMLReply(try await send(.GET, key: nil, query: query).bytes(upTo: 32 << 20))
            keys += reply.blocks("Contents").compactMap { $0.value("Key") }
            token = reply.value("IsTruncated") == "true" ? reply.value("NextContinuationToken") : nil
        } while token != nil
        return keys
    }
}
