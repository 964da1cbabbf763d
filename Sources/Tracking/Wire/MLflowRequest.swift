import Foundation
import Hummingbird

/// The fields of one MLflow request: the JSON body of a POST/PATCH/DELETE, or the query
/// of a GET (where every value is a string and lists repeat the key). Read with MLflow's
/// rules: a missing required field, a wrong type or malformed JSON is
/// INVALID_PARAMETER_VALUE; unknown fields are ignored, as MLflow ignores them.
struct MLflowRequest {
    let values: [String: Any]

    /// Reads the request's fields, the body bounded by `limit` bytes.
    static func read(_ request: Request, limit: Int) async throws -> MLflowRequest {
        if request.method == .get || request.method == .head {
            var values: [String: Any] = [:]
            for (key, value) in try formFields(request.uri.query ?? "") {
                if let existing = values[key] {
                    values[key] = ((existing as? [String]) ?? [existing as? String ?? ""]) + [value]
                } else {
                    values[key] = value
                }
            }
            return MLflowRequest(values: values)
        }
        if let type = request.headers[.contentType], !type.lowercased().hasPrefix("application/json") {
            throw TrackingError.invalidParameter("Content-Type must be one of ['application/json']")
        }
        let body = try await request.body.collect(upTo: limit)
        guard body.readableBytes > 0 else { return MLflowRequest(values: [:]) }
        let bytes = Array(body.readableBytesView)
        let parsed = ExactJSON.parse(bytes) ?? NonFiniteJSON.quoted(bytes).flatMap(ExactJSON.parse)
        guard let object = parsed, let values = object as? [String: Any] else {
            throw TrackingError.invalidParameter("Malformed request: the body is not a JSON object")
        }
        return MLflowRequest(values: values)
    }

    /// The fields of a query string as HTML forms (and Python's `requests`) encode them:
    /// `+` is a space, `%XX` a byte. A field that is not UTF-8 once decoded is refused.
    static func formFields(_ query: String) throws -> [(String, String)] {
        try query.split(separator: "&").map { field in
            let parts = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) throws -> String {
                guard let decoded = text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                    throw TrackingError.invalidParameter("Malformed query string: a field is not valid percent-encoded UTF-8")
                }
                return decoded
            }
            return (try decode(parts[0]), parts.count > 1 ? try decode(parts[1]) : "")
        }
    }

    /// Whether a parsed JSON number is really `true`/`false` (stored as a char).
    static func isBoolean(_ number: NSNumber) -> Bool { String(cString: number.objCType) == "c" }

    func missing(_ key: String) -> TrackingError { .invalidParameter("Missing value for required parameter '\(key)'.") }
    func wrongType(_ key: String, _ expected: String) -> TrackingError {
        .invalidParameter("Invalid value for parameter '\(key)' supplied: expected \(expected).")
    }

    /// What a parsed value is, decided by its exact type: a plain `as?` against a bridged
    /// type would first convert arrays and strings to Foundation objects, which made a
    /// 1000-metric batch spend most of its time casting.
    static func isNull(_ value: Any) -> Bool { type(of: value) == NSNull.self }
    static func text(_ value: Any) -> String? { type(of: value) == String.self ? value as? String : nil }
    static func texts(_ value: Any) -> [String]? { type(of: value) == [String].self ? value as? [String] : nil }
    static func number(_ value: Any) -> NSNumber? { type(of: value) is NSNumber.Type ? value as? NSNumber : nil }
    static func list(_ value: Any) -> [Any]? { value as? [Any] }
    static func object(_ value: Any) -> [String: Any]? {
        type(of: value) == [String: Any].self ? value as? [String: Any] : (value as? NSDictionary) as? [String: Any]
    }

    /// A string field (numbers are not strings here, as in MLflow's protobuf parsing).
    func string(_ key: String) throws -> String? {
        guard let value = values[key], !Self.isNull(value) else { return nil }
        if let text = Self.text(value) { return text }
        if let list = Self.texts(value) { return list.first }
        throw wrongType(key, "a string")
    }

    func requiredString(_ key: String) throws -> String {
        guard let text = try string(key), !text.isEmpty else { throw missing(key) }
        return text
    }

    /// An integer field: a JSON integer, or a decimal string (GET, and int64s as MLflow sends them).
    func int64(_ key: String) throws -> Int64? {
        guard let value = values[key], !Self.isNull(value) else { return nil }
        if let text = Self.text(value) ?? Self.texts(value)?.first {
            guard let number = Int64(text.trimmingCharacters(in: .whitespaces)) else { throw wrongType(key, "an integer") }
            return number
        }
        guard let number = Self.number(value), !Self.isBoolean(number) else { throw wrongType(key, "an integer") }
        let double = number.doubleValue
        guard double.rounded() == double, double >= -9.2e18, double <= 9.2e18 else { throw wrongType(key, "an integer") }
        return number.int64Value
    }

    /// A floating-point field: a JSON number or a numeric string ("NaN" and "Infinity" too).
    func double(_ key: String) throws -> Double? {
        guard let value = values[key], !Self.isNull(value) else { return nil }
        if let text = Self.text(value) ?? Self.texts(value)?.first {
            guard let number = Double(text) else { throw wrongType(key, "a number") }
            return number
        }
        guard let number = Self.number(value), !Self.isBoolean(number) else { throw wrongType(key, "a number") }
        return number.doubleValue
    }

    /// A list of strings (repeated query keys, or a JSON array).
    func strings(_ key: String) throws -> [String] {
        guard let value = values[key], !Self.isNull(value) else { return [] }
        if let text = Self.text(value) { return [text] }
        if let list = Self.texts(value) { return list }
        guard let list = Self.list(value) else { throw wrongType(key, "a list of strings") }
        return try list.map { guard let text = Self.text($0) else { throw wrongType(key, "a list of strings") }; return text }
    }

    /// A list of objects.
    func objects(_ key: String) throws -> [MLflowRequest] {
        guard let value = values[key], !Self.isNull(value) else { return [] }
        guard let list = Self.list(value) else { throw wrongType(key, "a list") }
        return try list.map {
            guard let object = Self.object($0) else { throw wrongType(key, "a list of objects") }
            return MLflowRequest(values: object)
        }
    }

    /// `[{key, value}]` pairs.
    func keyValues(_ key: String) throws -> [KeyValue] {
        try objects(key).map { KeyValue(key: try $0.requiredString("key"), value: try $0.string("value") ?? "") }
    }
}
