/// Every way an install, upgrade or bundle operation refuses or fails. Each case reads
/// as one clear line for the operator; the CLI prints it and exits non-zero.
public enum InstallerError: Error, CustomStringConvertible, Equatable {
    /// The bundle is not authentic or not intact: bad or missing signature, a file that
    /// does not match the manifest, an unsafe entry. Nothing from it was installed.
    case rejected(String)
    /// The bundle is authentic but may not be installed here (version policy, product, architecture).
    case refused(String)
    /// The host state does not allow the operation (not installed, already installed, locked).
    case conflict(String)
    /// A step failed while changing the host (I/O, service start); says what was undone.
    case failed(String)

    /// The message without its kind prefix, for wrapping into another message.
    public var message: String {
        switch self {
        case let .rejected(m), let .refused(m), let .conflict(m), let .failed(m): return m
        }
    }

    public var description: String {
        switch self {
        case let .rejected(message): return "bundle rejected: \(message)"
        case let .refused(message): return "refused: \(message)"
        case let .conflict(message): return message
        case let .failed(message): return "failed: \(message)"
        }
    }
}
