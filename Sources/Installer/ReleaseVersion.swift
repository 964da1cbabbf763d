/// A release version `MAJOR.MINOR.PATCH` (an optional `-suffix` orders before the plain
/// release). Versions decide what an upgrade may do, so parsing is strict.
public struct ReleaseVersion: Comparable, CustomStringConvertible, Sendable, Hashable {
    public let major: Int, minor: Int, patch: Int
    public let suffix: String?

    /// Parses `1.2.3` or `1.2.3-rc1`; nil for anything else.
    public init?(_ text: String) {
        let (core, suffix): (Substring, Substring?) = {
            if let dash = text.firstIndex(of: "-") { return (text[..<dash], text[text.index(after: dash)...]) }
            return (Substring(text), nil)
        }()
        let parts = core.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.count <= 9 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let major = Int(parts[0]), let minor = Int(parts[1]), let patch = Int(parts[2])
        else { return nil }
        if let suffix, suffix.isEmpty || suffix.count > 32 || !suffix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == ".") }) {
            return nil
        }
        (self.major, self.minor, self.patch, self.suffix) = (major, minor, patch, suffix.map(String.init))
    }

    public var description: String { "\(major).\(minor).\(patch)" + (suffix.map { "-\($0)" } ?? "") }

    public static func < (a: ReleaseVersion, b: ReleaseVersion) -> Bool {
        if (a.major, a.minor, a.patch) != (b.major, b.minor, b.patch) { return (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch) }
        switch (a.suffix, b.suffix) {
        case (nil, nil), (nil, _?): return false
        case (_?, nil): return true
        case let (x?, y?): return x < y
        }
    }
}
