/// A path inside the artifact store: relative, made of plain names, checked once when it
/// is made so nothing downstream can be steered outside the store's root. Refused: empty,
/// absolute, drive-letter and UNC forms, `.` and `..`, backslashes, NUL and control
/// characters, anything still percent-encoded after the router decoded it once (double
/// encoding), `?`, `#` and `;`, Unicode slash and dot look-alikes, names ending in a dot or
/// a space, and overlong names or paths.
public struct ArtifactPath: Hashable, Sendable, CustomStringConvertible {
    /// The checked components, root first.
    public let components: [String]

    public static let maximumLength = 1024
    public static let maximumComponentLength = 255
    public static let maximumDepth = 32
    /// Characters that stand in for `/`, `\` or `.` in some renderings.
    static let lookAlikes: Set<Character> = ["\u{2215}", "\u{2044}", "\u{FF0F}", "\u{29F8}", "\u{FF3C}", "\u{FE68}", "\u{2216}",
                                             "\u{FF0E}", "\u{2024}", "\u{FE52}", "\u{3002}", "\u{FF61}"]

    /// Checks `raw`, a path with `/` separators (one trailing `/` allowed).
    public init(_ raw: String) throws {
        func refuse(_ why: String) -> ArtifactStoreError { .invalidPath("invalid artifact path '\(Self.printable(raw))': \(why)") }
        guard !raw.isEmpty else { throw refuse("it is empty") }
        guard raw.utf8.count <= Self.maximumLength else { throw refuse("longer than \(Self.maximumLength) bytes") }
        guard !raw.hasPrefix("/") else { throw refuse("absolute paths are not allowed") }
        guard !raw.contains("\\") else { throw refuse("backslashes are not allowed") }
        if let first = raw.unicodeScalars.first, raw.unicodeScalars.dropFirst().first == ":", first.isASCII, first.properties.isAlphabetic {
            throw refuse("drive letters are not allowed")
        }
        guard !raw.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }) else {
            throw refuse("control characters are not allowed")
        }
        guard !raw.contains(where: { "?#;".contains($0) }) else { throw refuse("'?', '#' and ';' are not allowed") }
        guard !raw.contains(where: { Self.lookAlikes.contains($0) }) else { throw refuse("look-alikes of '/', '\\' or '.' are not allowed") }
        if Self.hasPercentEscape(raw) { throw refuse("it is still percent-encoded after decoding (double encoding)") }
        var parts = raw.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.count > 1, parts.last == "" { parts.removeLast() }
        guard parts.count <= Self.maximumDepth else { throw refuse("deeper than \(Self.maximumDepth) levels") }
        for part in parts {
            guard !part.isEmpty else { throw refuse("empty path components ('//') are not allowed") }
            guard part != ".", part != ".." else { throw refuse("'.' and '..' are not allowed") }
            guard part.utf8.count <= Self.maximumComponentLength else { throw refuse("a name is longer than \(Self.maximumComponentLength) bytes") }
            guard !part.hasSuffix("."), !part.hasSuffix(" ") else { throw refuse("names may not end in a dot or a space") }
            if let first = part.unicodeScalars.first, part.unicodeScalars.dropFirst().first == ":", first.isASCII, first.properties.isAlphabetic {
                throw refuse("drive letters are not allowed")
            }
        }
        components = parts
    }

    init(checked components: [String]) { self.components = components }

    /// The path with `/` separators.
    public var description: String { components.joined(separator: "/") }

    /// The last component.
    public var name: String { components.last ?? "" }

    /// `self` followed by `child` (itself a checked path).
    public func appending(_ child: ArtifactPath) -> ArtifactPath { ArtifactPath(checked: components + child.components) }

    /// Whether `self` is `other` or inside it.
    public func isWithin(_ other: ArtifactPath) -> Bool { components.starts(with: other.components) }

    /// Whether the text still holds a `%XX` escape.
    static func hasPercentEscape(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 3 else { return false }
        for index in 0..<(bytes.count - 2) where bytes[index] == UInt8(ascii: "%") {
            if isHex(bytes[index + 1]) && isHex(bytes[index + 2]) { return true }
        }
        return false
    }

    static func isHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte | 0x20)
    }

    /// The text with control characters escaped and cut to 200 characters, for messages.
    static func printable(_ text: String) -> String {
        let shown = text.unicodeScalars.prefix(200).map { $0.value < 0x20 || $0.value == 0x7F ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
        return text.unicodeScalars.count > 200 ? shown + "…" : shown
    }
}
