/// Where the server may read artifact content (visualizations, step logs) from a local
/// artifact store. Both the store's path and each URI come from clients, so neither is
/// trusted: a file is read only when, after decoding and resolving links, it lies inside
/// the store's own root *and* inside one of `roots`, and inside none of `forbidden`.
public struct ArtifactReadPolicy: Sendable, Equatable {
    /// Directories the site allows (its own artifact store by default; a site adds shared mounts).
    public var roots: [String]
    /// Never read, even inside an allowed root: the data folder and the keyring.
    public var forbidden: [String]
    /// Directories inside a forbidden one that stay readable (the server's own artifact store
    /// lives in its data folder).
    public var exceptions: [String]
    /// Largest file the server reads for an answer, in bytes.
    public var maxFileBytes: Int

    /// A policy; nothing is readable without roots.
    public init(roots: [String] = [], forbidden: [String] = [], exceptions: [String] = [], maxFileBytes: Int = 32 * 1024 * 1024) {
        self.roots = roots
        self.forbidden = forbidden
        self.exceptions = exceptions
        self.maxFileBytes = maxFileBytes
    }
}
