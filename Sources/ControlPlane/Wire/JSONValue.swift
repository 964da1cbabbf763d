import OrderedCollections

/// A JSON document as the ZenML wire carries it. Objects keep their key order: the
/// client runs steps in the order of the snapshot's `step_configurations`, so what it
/// sent must come back in the same order.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(OrderedDictionary<String, JSONValue>)

    /// The member `key` of an object; nil for other values or a missing key.
    public subscript(key: String) -> JSONValue? {
        get { if case let .object(members) = self { return members[key] } else { return nil } }
        set {
            guard case var .object(members) = self else { return }
            members[key] = newValue
            self = .object(members)
        }
    }

    /// The string, when this is one.
    public var stringValue: String? { if case let .string(s) = self { return s } else { return nil } }
    /// The boolean, when this is one.
    public var boolValue: Bool? { if case let .bool(b) = self { return b } else { return nil } }
    /// The integer, when this is an integral number.
    public var intValue: Int64? {
        switch self {
        case let .int(i): return i
        case let .double(d) where d.rounded() == d && abs(d) < 9e15: return Int64(d)
        default: return nil
        }
    }
    /// The members, when this is an object.
    public var objectValue: OrderedDictionary<String, JSONValue>? { if case let .object(o) = self { return o } else { return nil } }
    /// The elements, when this is an array.
    public var arrayValue: [JSONValue]? { if case let .array(a) = self { return a } else { return nil } }
    /// Whether this is JSON `null`.
    public var isNull: Bool { self == .null }

    /// `.string(s)` or `.null`.
    public static func optional(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
    /// `.bool(b)` or `.null`.
    public static func optional(_ b: Bool?) -> JSONValue { b.map(JSONValue.bool) ?? .null }
}

extension JSONValue: ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral, ExpressibleByStringLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral
{
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        // Assigned one by one (a repeated key keeps its last value): the renderers build
        // thousands of these per page, and this is cheaper than merging with a closure.
        var members = OrderedDictionary<String, JSONValue>(minimumCapacity: elements.count)
        for (key, value) in elements { members[key] = value }
        self = .object(members)
    }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(nilLiteral: ()) { self = .null }
}
