import Foundation

/// One field that breaks its schema: where (`('body', 'name')`) and why, in pydantic's words.
struct SchemaProblem: Sendable, Equatable, CustomStringConvertible {
    var location: [String]
    var message: String

    var description: String {
        "(" + location.map { "'\($0)'" }.joined(separator: ", ") + ") " + message
    }
}

/// How pydantic's lax mode reads a JSON value as each schema type.
extension RequestSchemaValidator {
    /// An integer: a JSON integer, an integral float, or a string of digits. Python's
    /// integers have no upper end, so digits past 64 bits still count (as a Double).
    static func integer(_ value: JSONValue) -> Double? {
        switch value {
        case let .int(i): return Double(i)
        case let .double(d): return d.isFinite && d.rounded() == d ? d : nil
        case let .bool(b): return b ? 1 : 0
        case let .string(s):
            let digits = s.trimmingCharacters(in: .whitespaces)
            let unsigned = digits.hasPrefix("-") || digits.hasPrefix("+") ? digits.dropFirst() : Substring(digits)
            guard !unsigned.isEmpty, unsigned.utf8.count <= 4300, unsigned.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
            return Double(digits)
        default: return nil
        }
    }

    /// A number: a JSON number or a numeric string.
    static func number(_ value: JSONValue) -> Double? {
        switch value {
        case let .int(i): return Double(i)
        case let .double(d): return d
        case let .bool(b): return b ? 1 : 0
        case let .string(s): return Double(s.trimmingCharacters(in: .whitespaces)).flatMap { $0.isFinite ? $0 : nil }
        default: return nil
        }
    }

    /// A boolean: JSON true/false, 0/1, or the strings pydantic reads as booleans.
    static func boolean(_ value: JSONValue) -> Bool? {
        switch value {
        case let .bool(b): return b
        case let .int(i) where i == 0 || i == 1: return i == 1
        case let .double(d) where d == 0 || d == 1: return d == 1
        case let .string(s):
            switch s.lowercased() {
            case "true", "1", "yes", "on", "t", "y": return true
            case "false", "0", "no", "off", "f", "n": return false
            default: return nil
            }
        default: return nil
        }
    }

    /// A UUID in any form Python's `UUID()` reads: hyphenated or not, braces, `urn:uuid:`.
    static func isUUID(_ text: String) -> Bool {
        var hex = Substring(text.lowercased())
        if hex.hasPrefix("urn:uuid:") { hex = hex.dropFirst(9) }
        if hex.hasPrefix("{"), hex.hasSuffix("}") { hex = hex.dropFirst().dropLast() }
        let digits = hex.filter { $0 != "-" }
        return digits.count == 32 && digits.allSatisfy(\.isHexDigit)
    }

    /// Whether `value` equals an `enum`/`const` member (enum members are strings or numbers).
    static func matches(_ value: JSONValue, _ member: JSONValue) -> Bool {
        if value == member { return true }
        if case .string = member { return false }
        return number(value) != nil && number(value) == number(member)
    }

    static func quoted(_ value: JSONValue) -> String {
        if let s = value.stringValue { return "'\(s)'" }
        return value.text
    }

    static func text(_ number: Double) -> String {
        number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }

    /// Every `pattern` string anywhere in `node`.
    static func patterns(in node: JSONValue) -> [String] {
        switch node {
        case let .object(members):
            return members.flatMap { key, value -> [String] in
                if key == "pattern", let pattern = value.stringValue { return [pattern] }
                return patterns(in: value)
            }
        case let .array(items): return items.flatMap(patterns(in:))
        default: return []
        }
    }
}
