/// Reads artifact content that clients wrote to an S3-compatible artifact store, for the
/// stores whose path lies under a location the site allows. The server's own keys are
/// used; the stack component's own credentials never reach the server.
public protocol ObjectStoreContent: Sendable {
    /// Whether the server may read the artifact store at `root` (`s3://BUCKET/PREFIX`).
    func allows(root: String) -> Bool
    /// The object at `uri` (`s3://BUCKET/KEY`); when there is none, the objects under it as a
    /// folder in key order (log stores write one object per chunk); at most `limit` bytes in all.
    /// Fails with `ObjectStoreContentError`.
    func files(uri: String, limit: Int) async throws -> [[UInt8]]
}

/// Why object-store content cannot be shown, in words safe for the client.
public struct ObjectStoreContentError: Error, Equatable, Sendable {
    public let message: String
    /// The content is there but larger than the server shows.
    public let tooLarge: Bool

    /// An error with its client-safe message.
    public init(_ message: String, tooLarge: Bool = false) {
        self.message = message
        self.tooLarge = tooLarge
    }
}

/// An `s3://BUCKET/KEY` address taken apart, refusing anything that could mean two places:
/// empty, `.` or `..` segments, backslashes, control characters.
public struct ObjectAddress: Equatable, Sendable {
    public let bucket: String
    /// Segments of the key, none empty.
    public let segments: [String]

    /// Reads `uri`; nil when it is not a plain `s3://` address.
    public init?(_ uri: String) {
        guard uri.hasPrefix("s3://") else { return nil }
        var parts = uri.dropFirst(5).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        while parts.count > 1, parts.last == "" { parts.removeLast() }  // `s3://b/prefix/` names the folder
        guard let bucket = parts.first, !bucket.isEmpty else { return nil }
        let segments = Array(parts.dropFirst())
        guard segments.allSatisfy({ segment in
            !segment.isEmpty && segment != "." && segment != ".." && !segment.contains("\\")
                && !segment.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
        }) else { return nil }
        self.bucket = bucket
        self.segments = segments
    }

    /// The object key.
    public var key: String { segments.joined(separator: "/") }

    /// Whether this address is `other` or lies beneath it.
    public func isWithin(_ other: ObjectAddress) -> Bool {
        bucket == other.bucket && segments.starts(with: other.segments)
    }
}
