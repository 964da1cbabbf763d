import Foundation
import OrderedCollections

/// A run's name from its snapshot's template, as ZenML fills it: `{date}` and `{time}` of the
/// start (UTC), then the pipeline's substitutions.
enum RunName {
    static func format(_ template: String, _ substitutions: JSONValue?, at time: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy_MM_dd"
        let date = formatter.string(from: time)
        formatter.dateFormat = "HH_mm_ss_SSSSSS"
        let clock = formatter.string(from: time)
        var filled: OrderedDictionary<String, JSONValue> = substitutions?.objectValue ?? [:]
        if filled["date"] == nil { filled["date"] = .string(date) }
        if filled["time"] == nil { filled["time"] = .string(clock) }
        return ModelVersionDraft.substitute(template, .object(filled))
    }
}
