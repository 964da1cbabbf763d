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
        let seconds = micros.floorDivided(by: 1_000_000)
        let fraction = micros - seconds * 1_000_000
        let days = seconds.floorDivided(by: 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
        text += pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay % 3600 / 60, 2) + ":" + pad(secondOfDay % 60, 2)
        return text + "." + pad(fraction, 6)
    }

    /// `value` in decimal, zero-padded to `width` digits.
    public static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's algorithm).
    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = z.floorDivided(by: 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = y.floorDivided(by: 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Parses a client-supplied ISO-8601 time (naive = UTC, or with `Z`/`±HH:MM`,
    /// a `T` or space separator, 0–9 fraction digits); nil when it is not one.
    public static func parse(_ text: String) -> Date? {
        let scalars = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= scalars.count else { return nil }
            var value: Int64 = 0
            for c in scalars[from..<(from + count)] {
                guard c >= 48, c <= 57 else { return nil }
                value = value * 10 + Int64(c - 48)
            }
            return value
        }
        guard scalars.count >= 10, let year = number(0, 4), scalars[4] == 45, let month = number(5, 2),
              scalars[7] == 45, let day = number(8, 2), (1...12).contains(month), day >= 1
        else { return nil }
        let (checkYear, checkMonth, _) = civil(fromDays: days(year: year, month: month, day: day))
        guard checkYear == year, checkMonth == month else { return nil }
        var hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0
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
        var offsetSeconds: Int64 = 0
        if index < scalars.count {
            if scalars[index] == 90, index == scalars.count - 1 {
                index += 1
            } else if scalars[index] == 43 || scalars[index] == 45 {
                let sign: Int64 = scalars[index] == 43 ? 1 : -1
                guard let oh = number(index + 1, 2) else { return nil }
                var rest = index + 3
                var om: Int64 = 0
                if rest < scalars.count, scalars[rest] == 58 { rest += 1 }
                if rest < scalars.count { guard let m = number(rest, 2) else { return nil }; om = m; rest += 2 }
                offsetSeconds = sign * (oh * 3600 + om * 60)
                index = rest
            }
            guard index == scalars.count else { return nil }
        }
        let seconds = days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// Re-formats a client-supplied time into storage form; nil when it does not parse.
    public static func normalize(_ text: String) -> String? {
        parse(text).map(format)
    }
}

extension Int64 {
    /// Division rounding toward negative infinity (dates before 1970 stay correct).
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
