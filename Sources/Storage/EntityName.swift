/// The rule every stored name follows (users, stacks, pipelines, artifacts…): 1 to 255
/// characters, no control characters or newlines, not only white space. Names end up
/// in logs, terminals and file paths, where control characters do harm.
public enum EntityName {
    /// Longest accepted name, in characters.
    public static let maximumLength = 255

    /// Why `name` is not acceptable, or nil when it is.
    public static func problem(with name: String) -> String? {
        if name.isEmpty { return "must not be empty" }
        if name.count > maximumLength { return "must be at most \(maximumLength) characters" }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" }) {
            return "must not contain control characters or line breaks"
        }
        if name.allSatisfy(\.isWhitespace) { return "must not be only white space" }
        return nil
    }
}
