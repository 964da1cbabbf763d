import Foundation
import Hummingbird
import OrderedCollections
import Storage

/// The members of a JSON request body, read with the type checks pydantic would do on
/// the real server; every mismatch is a 422 naming the field.
struct RequestFields {
    let members: OrderedDictionary<String, JSONValue>

    /// Reads and parses the body of `request`, refusing more than `limit` bytes.
    static func body(of request: Request, limit: Int) async throws -> JSONValue {
        var request = request
        let buffer = try await request.collectBody(upTo: limit)
        guard buffer.readableBytes > 0 else { throw ControlPlaneError.validation("Request body is required.") }
        return try JSONValue.parse(buffer.readableBytesView)
    }

    /// Wraps a value that must be a JSON object.
    init(_ value: JSONValue) throws {
        guard let members = value.objectValue else { throw ControlPlaneError.validation("Request body must be a JSON object.") }
        self.members = members
    }

    /// Whether the client sent `key` at all (PUT bodies carry only the fields set).
    func has(_ key: String) -> Bool { members[key] != nil }

    func fail(_ key: String, _ problem: String) -> ControlPlaneError {
        .validation("1 validation error: ('body', '\(key)') \(problem)")
    }

    func raw(_ key: String) -> JSONValue? {
        guard let value = members[key], !value.isNull else { return nil }
        return value
    }

    func string(_ key: String) throws -> String? {
        guard let value = raw(key) else { return nil }
        guard let s = value.stringValue else { throw fail(key, "Input should be a valid string") }
        guard s.utf8.count <= 1_000_000 else { throw fail(key, "String is too long") }
        return s
    }

    func requiredString(_ key: String) throws -> String {
        guard let s = try string(key) else { throw fail(key, "Field required") }
        return s
    }

    /// A required name, checked against `EntityName`.
    func name(_ key: String = "name") throws -> String {
        let s = try requiredString(key)
        if let problem = EntityName.problem(with: s) { throw fail(key, "Name \(problem)") }
        return s
    }

    /// An optional name, checked against `EntityName` when present.
    func optionalName(_ key: String) throws -> String? {
        guard let s = try string(key) else { return nil }
        if let problem = EntityName.problem(with: s) { throw fail(key, "Name \(problem)") }
        return s
    }

    func uuid(_ key: String) throws -> String? {
        guard let s = try string(key) else { return nil }
        guard UUID(uuidString: s) != nil else { throw fail(key, "Input should be a valid UUID") }
        return s.lowercased()
    }

    func requiredUUID(_ key: String) throws -> String {
        guard let s = try uuid(key) else { throw fail(key, "Field required") }
        return s
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = raw(key) else { return nil }
        guard let b = value.boolValue else { throw fail(key, "Input should be a valid boolean") }
        return b
    }

    func int(_ key: String) throws -> Int64? {
        guard let value = raw(key) else { return nil }
        guard let i = value.intValue else { throw fail(key, "Input should be a valid integer") }
        return i
    }

    /// A timestamp, normalised to storage form.
    func time(_ key: String) throws -> String? {
        guard let s = try string(key) else { return nil }
        guard let normalized = Timestamp.normalize(s) else { throw fail(key, "Input should be a valid datetime") }
        return normalized
    }

    func object(_ key: String) throws -> JSONValue? {
        guard let value = raw(key) else { return nil }
        guard value.objectValue != nil else { throw fail(key, "Input should be a valid dictionary") }
        return value
    }

    func array(_ key: String) throws -> [JSONValue]? {
        guard let value = raw(key) else { return nil }
        guard let items = value.arrayValue else { throw fail(key, "Input should be a valid list") }
        return items
    }

    /// A `{name: [uuid, …]}` map, as step inputs and outputs are sent.
    func uuidListMap(_ key: String) throws -> [(String, [String])] {
        guard let value = try object(key)?.objectValue else { return [] }
        return try value.map { name, ids in
            let list: [JSONValue]
            if let items = ids.arrayValue { list = items } else if ids.stringValue != nil { list = [ids] } else {
                throw fail(key, "Input should be a list of UUIDs")
            }
            return (name, try list.map { item in
                guard let s = item.stringValue, UUID(uuidString: s) != nil else { throw fail(key, "Input should be a valid UUID") }
                return s.lowercased()
            })
        }
    }

    /// One value of an enumeration (statuses, types), lower case on the wire.
    func choice(_ key: String, from allowed: Set<String>) throws -> String? {
        guard let s = try string(key) else { return nil }
        guard allowed.contains(s) else {
            throw fail(key, "Input should be one of: \(allowed.sorted().joined(separator: ", "))")
        }
        return s
    }
}
