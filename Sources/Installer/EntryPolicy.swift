/// Which names may appear in a bundle. Stricter than any filesystem needs, on purpose:
/// relative, portable, printable names only, so no path trick survives (traversal,
/// absolute and UNC forms, backslashes, drive letters, Windows reserved names, control
/// characters, over-long names, names that differ only by case).
enum EntryPolicy {
    static let maximumPathLength = 1024
    static let maximumComponentLength = 255
    static let maximumDepth = 16
    static let reservedNames: Set<String> = Set(["con", "prn", "aux", "nul"])
        .union((1...9).map { "com\($0)" }).union((1...9).map { "lpt\($0)" })

    /// Why `path` may not be used, or nil when it is acceptable.
    static func problem(with path: String) -> String? {
        if path.isEmpty { return "empty path" }
        if path.utf8.count > maximumPathLength { return "path longer than \(maximumPathLength) bytes" }
        if path.hasPrefix("/") { return "absolute path '\(printable(path))'" }
        for scalar in path.unicodeScalars {
            let allowed = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                                             || "._-+/".unicodeScalars.contains(scalar))
            if !allowed { return "path '\(printable(path))' has a character outside [A-Za-z0-9._+-/]" }
        }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        if components.count > maximumDepth { return "path '\(path)' is nested deeper than \(maximumDepth)" }
        for component in components {
            if component.isEmpty { return "path '\(path)' has an empty component" }
            if component == "." || component == ".." { return "path '\(path)' has a '\(component)' component" }
            if component.utf8.count > maximumComponentLength { return "a component of '\(path)' is longer than \(maximumComponentLength) bytes" }
            if component.hasSuffix(".") { return "path '\(path)' has a component ending in '.'" }
            if component.hasPrefix("-") { return "path '\(path)' has a component starting with '-'" }
            let stem = component.split(separator: ".", maxSplits: 1).first.map { $0.lowercased() } ?? ""
            if reservedNames.contains(stem) { return "path '\(path)' uses the reserved name '\(component)'" }
        }
        return nil
    }

    /// `path` with control and non-ASCII characters shown as escapes, for messages.
    static func printable(_ path: String) -> String {
        String(path.unicodeScalars.prefix(200).map { scalar -> String in
            scalar.isASCII && scalar.value >= 0x20 && scalar.value < 0x7F ? String(scalar) : "\\u{\(String(scalar.value, radix: 16))}"
        }.joined())
    }
}
