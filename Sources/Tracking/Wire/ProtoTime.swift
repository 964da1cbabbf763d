import Foundation

/// Protobuf's JSON forms of times: a Timestamp is RFC 3339 text, a Duration is seconds
/// with a fraction and an `s` (`"0.031s"`). Kept to millisecond precision, as MLflow does.
enum ProtoTime {
    static func milliseconds(fromTimestamp text: String) throws -> Int64 {
        let invalid = TrackingError.invalidParameter("Invalid timestamp '\(TrackingRules.printable(text))': expected RFC 3339, e.g. 2026-01-31T12:00:00.000Z")
        guard text.utf8.count <= 40 else { throw invalid }
        let precise = ISO8601DateFormatter()
        precise.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        // The formatter knows at most milliseconds; cut longer fractions first.
        var trimmed = text
        if let dot = text.firstIndex(of: "."), let end = text[dot...].firstIndex(where: { !$0.isNumber && $0 != "." }) {
            let digits = text[text.index(after: dot)..<end]
            if digits.count > 3 { trimmed = String(text[..<text.index(dot, offsetBy: 4)]) + String(text[end...]) }
        }
        guard let date = precise.date(from: trimmed) ?? plain.date(from: trimmed) else { throw invalid }
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        guard milliseconds.isFinite, abs(milliseconds) < 9e15 else { throw invalid }
        return Int64(milliseconds)
    }

    static func timestamp(fromMilliseconds milliseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    static func milliseconds(fromDuration text: String) throws -> Int64 {
        let invalid = TrackingError.invalidParameter("Invalid duration '\(TrackingRules.printable(text))': expected seconds such as \"0.031s\"")
        guard text.hasSuffix("s"), text.utf8.count <= 32, let seconds = Double(text.dropLast()), seconds.isFinite, abs(seconds) < 9e12 else { throw invalid }
        return Int64((seconds * 1000).rounded())
    }

    static func duration(fromMilliseconds milliseconds: Int64) -> String {
        let seconds = milliseconds / 1000, rest = abs(milliseconds % 1000)
        guard rest != 0 else { return "\(seconds)s" }
        let fraction = String(rest)
        return "\(milliseconds < 0 && seconds == 0 ? "-" : "")\(seconds).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)s"
    }
}
