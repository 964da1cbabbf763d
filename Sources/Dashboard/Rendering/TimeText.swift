import Foundation
import Storage

/// Times as the dashboard shows them: ZenML's naive UTC timestamps trimmed to seconds, and
/// durations in the largest unit that fits.
enum TimeText {
    /// `2026-11-28T01:05:08.685175` → `2026-11-28 01:05:08`.
    static func moment(_ stamp: String?) -> String {
        guard let stamp else { return "" }
        return String(stamp.replacingOccurrences(of: "T", with: " ").prefix(19))
    }

    /// The time between two stamps ("1.2 s", "3 min 4 s"); empty when either is missing.
    static func duration(from start: String?, to end: String?) -> String {
        guard let start = parse(start), let end = parse(end) else { return "" }
        let seconds = max(0, end.timeIntervalSince(start))
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        if seconds < 3600 { return "\(Int(seconds) / 60) min \(Int(seconds) % 60) s" }
        return "\(Int(seconds) / 3600) h \(Int(seconds) % 3600 / 60) min"
    }

    static func parse(_ stamp: String?) -> Date? {
        stamp.flatMap(Timestamp.parse)
    }
}

extension TimeText {
    /// MLflow's epoch milliseconds as `2026-11-28 01:05:08` (UTC).
    static func moment(milliseconds: Int64?) -> String {
        guard let milliseconds else { return "" }
        return moment(Timestamp.format(Date(timeIntervalSince1970: Double(milliseconds) / 1000)))
    }

    /// The time between two epoch-millisecond stamps.
    static func duration(milliseconds start: Int64?, to end: Int64?) -> String {
        guard let start, let end else { return "" }
        return duration(from: Timestamp.format(Date(timeIntervalSince1970: Double(start) / 1000)),
                        to: Timestamp.format(Date(timeIntervalSince1970: Double(end) / 1000)))
    }
}
