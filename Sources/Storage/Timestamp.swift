import Foundation

/// Times as Enclave stores and serves them: naive UTC ISO-8601 with microseconds
/// (`2026-11-26T18:00:51.503617`), the form ZenML's client expects. Stored as TEXT,
/// so they sort correctly as strings.
public enum Timestamp {
    /// The current time in storage form.
    public static func now() -> String { format(Date()) }

    /// Formats `date` as naive UTC with microseconds.
    public static func format(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var seconds = micros / 1_000_000
        var fraction = micros % 1_000_000
        if fraction < 0 { fraction += 1_000_000; seconds -= 1 }
        var tm = tm()
        var t = time_t(seconds)
        gmtime_r(&t, &tm)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%06d",
            Int(tm.tm_year) + 1900, Int(tm.tm_mon) + 1, Int(tm.tm_mday),
            Int(tm.tm_hour), Int(tm.tm_min), Int(tm.tm_sec), Int(fraction)
        )
    }

    /// Parses a client-supplied ISO-8601 time (naive = UTC, or with `Z`/`±HH:MM`,
    /// a `T` or space separator, 0–9 fraction digits); nil when it is not one.
    public static func parse(_ text: String) -> Date? {
        let scalars = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= scalars.count else { return nil }
            var value = 0
            for c in scalars[from..<(from + count)] {
                guard c >= 48, c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            return value
        }
        guard scalars.count >= 10, let year = number(0, 4), scalars[4] == 45, let month = number(5, 2),
              scalars[7] == 45, let day = number(8, 2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var hour = 0, minute = 0, second = 0
        var fraction = 0.0
        var index = 10
        if index < scalars.count, scalars[index] == 84 || scalars[index] == 32 {
            guard let h = number(11, 2), scalars.count > 13, scalars[13] == 58, let m = number(14, 2) else { return nil }
            hour = h; minute = m; index = 16
            if index < scalars.count, scalars[index] == 58 {
                guard let s = number(17, 2) else { return nil }
                second = s; index = 19
            }
            if index < scalars.count, scalars[index] == 46 {
                index += 1
                var scale = 0.1
                let start = index
                while index < scalars.count, scalars[index] >= 48, scalars[index] <= 57 {
                    fraction += Double(scalars[index] - 48) * scale
                    scale /= 10
                    index += 1
                }
                if index == start { return nil }
            }
        }
        guard hour < 24, minute < 60, second < 61 else { return nil }
        var offsetSeconds = 0
        if index < scalars.count {
            if scalars[index] == 90, index == scalars.count - 1 {
                index += 1
            } else if scalars[index] == 43 || scalars[index] == 45 {
                let sign = scalars[index] == 43 ? 1 : -1
                guard let oh = number(index + 1, 2) else { return nil }
                var rest = index + 3
                var om = 0
                if rest < scalars.count, scalars[rest] == 58 { rest += 1 }
                if rest < scalars.count { guard let m = number(rest, 2) else { return nil }; om = m; rest += 2 }
                offsetSeconds = sign * (oh * 3600 + om * 60)
                index = rest
            }
            guard index == scalars.count else { return nil }
        }
        var components = DateComponents()
        components.year = year; components.month = month; components.day = day
        components.hour = hour; components.minute = minute; components.second = second
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let base = calendar.date(from: components), calendar.component(.day, from: base) == day else { return nil }
        return base.addingTimeInterval(fraction - Double(offsetSeconds))
    }

    /// Re-formats a client-supplied time into storage form; nil when it does not parse.
    public static func normalize(_ text: String) -> String? {
        parse(text).map(format)
    }
}
