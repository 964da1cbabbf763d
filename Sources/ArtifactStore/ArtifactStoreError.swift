/// What can go wrong in the artifact store; each API maps these to its own error format.
public enum ArtifactStoreError: Error, Equatable, Sendable {
    /// The path is not a safe relative path inside the store (says why).
    case invalidPath(String)
    /// Nothing is stored at the path.
    case notFound(String)
    /// The path is a folder where a file is needed, or a file where a folder is needed.
    case wrongKind(String)
    /// The requested byte range lies outside the file.
    case unsatisfiableRange(String)
    /// The upload was larger than the caller allowed.
    case tooLarge(String)
    /// The file system failed (message carries the errno text).
    case storage(String)

    /// A one-line description safe to return to clients (never an absolute host path).
    public var message: String {
        switch self {
        case .invalidPath(let m), .notFound(let m), .wrongKind(let m), .unsatisfiableRange(let m), .tooLarge(let m), .storage(let m): m
        }
    }
}
