/// Limits and identity of the ZenML-compatible API.
public struct ControlPlaneSettings: Sendable {
    /// Largest request body accepted, in bytes; larger ones get a 413.
    public var maxBodyBytes: Int
    /// The ZenML version reported by `/info`; the client warns unless it equals its own.
    public var zenmlVersion: String
    /// Where visualizations and logs may be read from (nowhere by default).
    public var artifactReads: ArtifactReadPolicy

    /// Creates settings; the defaults suit the ZenML 0.98.0 client.
    public init(maxBodyBytes: Int = 8 * 1024 * 1024, zenmlVersion: String = "0.98.0", artifactReads: ArtifactReadPolicy = ArtifactReadPolicy()) {
        self.maxBodyBytes = maxBodyBytes
        self.zenmlVersion = zenmlVersion
        self.artifactReads = artifactReads
    }
}
