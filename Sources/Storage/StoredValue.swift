/// One value of a stored record, as any SQL engine hands it back or binds it: what list
/// filters carry and read sides return, so no module above Storage names an engine's types.
public enum StoredValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// A Swift value that binds as a `StoredValue` (an argument of a list filter).
public protocol StoredValueConvertible {
    /// The value as stored.
    var storedValue: StoredValue { get }
}

extension String: StoredValueConvertible {
    public var storedValue: StoredValue { .text(self) }
}

extension Int: StoredValueConvertible {
    public var storedValue: StoredValue { .integer(Int64(self)) }
}

extension Int64: StoredValueConvertible {
    public var storedValue: StoredValue { .integer(self) }
}

extension Double: StoredValueConvertible {
    public var storedValue: StoredValue { .real(self) }
}

extension Bool: StoredValueConvertible {
    public var storedValue: StoredValue { .integer(self ? 1 : 0) }
}
