import Storage

/// A stored record by column name: what the read side hands the renderer, so rendering
/// depends on no database library and any engine's implementation can produce it.
struct StoredRow: Sendable {
    private let values: [String: StoredValue]

    /// A record of `values` by column name.
    init(_ values: [String: StoredValue]) { self.values = values }

    /// The value of `column` as `Type`; a missing column reads as null, so only an optional
    /// `Type` takes it.
    func decode<Type: StoredValueDecodable>(_ type: Type.Type = Type.self, forColumn column: String) throws -> Type {
        try Type.decode(values[column] ?? .null, column: column)
    }

    /// Whether `column` is null (or missing).
    func isNull(_ column: String) -> Bool {
        if case .null = values[column] ?? .null { return true }
        return false
    }

    /// The value of `column` as `Type`, or nil when it is null, missing or of another kind.
    subscript<Type: StoredValueDecodable>(column: String) -> Type? {
        try? Type.decode(values[column] ?? .null, column: column)
    }
}

/// A stored column the read side could not turn into what the renderer asked for: damaged
/// or foreign data, never the client's doing.
struct StoredValueMismatch: Error, CustomStringConvertible {
    let column: String
    let expected: String

    var description: String { "the stored column '\(column)' does not hold a \(expected)" }
}

/// A Swift type a stored value converts to.
protocol StoredValueDecodable {
    /// `value` as this type, or `StoredValueMismatch`.
    static func decode(_ value: StoredValue, column: String) throws -> Self
}

extension String: StoredValueDecodable {
    static func decode(_ value: StoredValue, column: String) throws -> String {
        switch value {
        case let .text(text): return text
        case let .blob(bytes): return String(decoding: bytes, as: UTF8.self)
        default: throw StoredValueMismatch(column: column, expected: "text")
        }
    }
}

extension Int64: StoredValueDecodable {
    static func decode(_ value: StoredValue, column: String) throws -> Int64 {
        switch value {
        case let .integer(number): return number
        case let .real(number) where number == number.rounded() && abs(number) < 9e18: return Int64(number)
        default: throw StoredValueMismatch(column: column, expected: "integer")
        }
    }
}

extension Int: StoredValueDecodable {
    static func decode(_ value: StoredValue, column: String) throws -> Int {
        Int(try Int64.decode(value, column: column))
    }
}

extension Double: StoredValueDecodable {
    static func decode(_ value: StoredValue, column: String) throws -> Double {
        switch value {
        case let .real(number): return number
        case let .integer(number): return Double(number)
        default: throw StoredValueMismatch(column: column, expected: "number")
        }
    }
}

extension Bool: StoredValueDecodable {
    static func decode(_ value: StoredValue, column: String) throws -> Bool {
        try Int64.decode(value, column: column) != 0
    }
}

extension Optional: StoredValueDecodable where Wrapped: StoredValueDecodable {
    static func decode(_ value: StoredValue, column: String) throws -> Wrapped? {
        if case .null = value { return nil }
        return try Wrapped.decode(value, column: column)
    }
}
