import Foundation

/// MLflow's rules for names, keys and values, checked before anything is stored.
enum TrackingRules {
    static let maximumKeyLength = 250
    static let maximumValueLength = 8000
    static let maximumNameLength = 500
    static let statuses: Set<String> = ["RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"]
    static let keyCharacters = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "_-./ :"))

    /// A metric, param or tag key: letters, digits, `_ - . / : ` and spaces, no `..`
    /// segment, not absolute, at most 250 characters.
    static func key(_ key: String, _ kind: String) throws -> String {
        guard !key.isEmpty, key.count <= maximumKeyLength, key.unicodeScalars.allSatisfy(keyCharacters.contains),
              !key.hasPrefix("/"), !key.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0 == ".." || $0 == "." })
        else {
            throw TrackingError.invalidParameter("Invalid \(kind) name: '\(printable(key))'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colons (:) and slashes (/), may not be absolute or contain '..', and are at most \(maximumKeyLength) characters long.")
        }
        return key
    }

    /// A param or tag value of at most 8000 characters.
    static func value(_ value: String, _ kind: String, key: String) throws -> String {
        guard value.count <= maximumValueLength else {
            throw TrackingError.invalidParameter("\(kind) value for '\(printable(key))' had length \(value.count), which exceeded length limit of \(maximumValueLength)")
        }
        return value
    }

    /// An experiment or run name: not empty (experiments), no control characters, bounded.
    static func name(_ name: String, _ kind: String) throws -> String {
        guard name.count <= maximumNameLength, !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw TrackingError.invalidParameter("Invalid \(kind) name '\(printable(name))': at most \(maximumNameLength) characters, no control characters.")
        }
        return name
    }

    /// An experiment id: a decimal integer.
    static func experimentID(_ text: String) throws -> Int64 {
        guard let id = Int64(text), id >= 0 else { throw TrackingError.invalidParameter("Invalid experiment ID: '\(printable(text))'") }
        return id
    }

    /// A run id: 1–64 letters, digits, `-` or `_` (MLflow's are 32 hex digits).
    static func runID(_ text: String) throws -> String {
        guard !text.isEmpty, text.count <= 64, text.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" }) else {
            throw TrackingError.invalidParameter("Invalid run ID: '\(printable(text))'")
        }
        return text
    }

    /// `max_results`: 1…`limit`, `fallback` when absent.
    static func maxResults(_ value: Int64?, fallback: Int, limit: Int) throws -> Int {
        guard let value else { return fallback }
        guard value >= 1, value <= Int64(limit) else {
            throw TrackingError.invalidParameter("Invalid value \(value) for parameter 'max_results' supplied. It must be at most \(limit), and at least 1.")
        }
        return Int(value)
    }

    static func viewType(_ text: String?) throws -> ViewType {
        guard let text, !text.isEmpty else { return .activeOnly }
        guard let view = ViewType(rawValue: text) else { throw TrackingError.invalidParameter("Invalid view type '\(printable(text))'") }
        return view
    }

    /// A logged model's id: `m-` and 32 hex digits, as MLflow makes them.
    static func modelID(_ text: String) throws -> String {
        let hex = text.utf8.dropFirst(2)
        guard text.hasPrefix("m-"), hex.count == 32, hex.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            throw TrackingError.invalidParameter("Invalid logged model id '\(printable(text))'")
        }
        return text
    }

    /// A trace id as MLflow makes them (`tr-<hex>`), or another client-chosen id of the same alphabet.
    static func traceID(_ text: String) throws -> String {
        guard !text.isEmpty, text.utf8.count <= 128,
              text.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" || $0 == ":" }) else {
            throw TrackingError.invalidParameter("Invalid trace id '\(TrackingRules.printable(text))'")
        }
        return text
    }

    /// A new 32-hex-digit id, as MLflow's run and model ids are.
    static func newID() -> String { UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased() }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// Text cut to 100 characters with control characters escaped, for messages.
    static func printable(_ text: String) -> String {
        let cut = text.unicodeScalars.prefix(100).map { $0.value < 0x20 || $0.value == 0x7F ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
        return text.unicodeScalars.count > 100 ? cut + "…" : cut
    }

    /// A readable random run name, as MLflow gives unnamed runs.
    static func randomRunName() -> String {
        let adjectives = ["amber", "bold", "calm", "clever", "dapper", "eager", "gentle", "honest", "jolly", "keen", "lucky", "merry",
                          "nimble", "polite", "quiet", "rare", "sunny", "tidy", "vivid", "wise"]
        let nouns = ["ant", "bat", "crane", "deer", "eel", "finch", "goat", "hare", "ibis", "jay", "koala", "lynx", "mole",
                     "newt", "owl", "panda", "quail", "robin", "seal", "toad"]
        return "\(adjectives.randomElement() ?? "calm")-\(nouns.randomElement() ?? "owl")-\(Int.random(in: 100...999))"
    }
}
