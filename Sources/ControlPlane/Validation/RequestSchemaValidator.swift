import Foundation
import OrderedCollections
import Storage

/// ZenML's request-body rules, read from its own OpenAPI document: what the real server's
/// pydantic models refuse with a 422 (types, lengths, patterns, ranges, required fields),
/// Enclave refuses the same way, before any handler runs.
///
/// Checks follow pydantic's lax mode, which is what the real server runs: an integer
/// field takes `"5"` and `5.0`, a boolean takes `"true"` and `1`, a set (`uniqueItems`)
/// silently drops duplicates. Unknown members are ignored, as ZenML's models do.
final class RequestSchemaValidator: @unchecked Sendable {
    /// Body schema per operation, keyed `"METHOD /api/v1/path/{}"` (captures as `{}`).
    let operations: [String: JSONValue]
    /// Component schemas that `$ref`s name.
    let schemas: [String: JSONValue]
    /// Every `pattern` in the schemas, compiled once (read-only afterwards).
    private let patterns: [String: NSRegularExpression]

    /// Most problems named in one error message.
    static let reportedProblems = 10

    /// Reads a catalogue shaped like `ZenMLRequestSchemas.json`.
    init(catalog text: String) throws {
        let catalog = try JSONValue.parse(Array(text.utf8))
        operations = Dictionary(uniqueKeysWithValues: (catalog["operations"]?.objectValue ?? [:]).map { ($0.key, $0.value) })
        schemas = Dictionary(uniqueKeysWithValues: (catalog["schemas"]?.objectValue ?? [:]).map { ($0.key, $0.value) })
        var compiled: [String: NSRegularExpression] = [:]
        for pattern in Self.patterns(in: catalog) where compiled[pattern] == nil {
            compiled[pattern] = try NSRegularExpression(pattern: pattern)
        }
        patterns = compiled
    }

    /// The validator for ZenML 0.98.0's API.
    static func zenml() throws -> RequestSchemaValidator {
        try RequestSchemaValidator(catalog: ZenMLRequestSchemas.json)
    }

    /// The body schema of `method` on the route `path` (Hummingbird's `:id`/`{id}` or
    /// OpenAPI's `{name}` captures alike), or nil when ZenML declares no JSON body.
    func schema(method: String, path: String) -> JSONValue? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix(":") || (segment.hasPrefix("{") && segment.hasSuffix("}")) ? "{}" : String(segment)
        }
        return operations[method.uppercased() + " " + segments.joined(separator: "/")]
    }

    /// Throws ZenML's validation error (422) naming every field of `body` that breaks `schema`.
    /// A nil body is a missing one.
    func validate(_ body: JSONValue?, against schema: JSONValue) throws {
        var problems: [SchemaProblem] = []
        if let body {
            check(body, schema, at: ["body"], into: &problems, depth: 0)
        } else {
            problems.append(SchemaProblem(location: ["body"], message: "Field required"))
        }
        guard !problems.isEmpty else { return }
        let count = problems.count
        let listed = problems.prefix(Self.reportedProblems).map(\.description).joined(separator: "; ")
        throw ControlPlaneError.validation("\(count) validation error\(count == 1 ? "" : "s"): \(listed)")
    }

    // MARK: Checking one value

    func check(_ value: JSONValue, _ schema: JSONValue, at location: [String], into problems: inout [SchemaProblem], depth: Int) {
        guard depth < 64 else { return problems.append(SchemaProblem(location: location, message: "Input is nested too deeply")) }
        if let reference = schema["$ref"]?.stringValue {
            let name = String(reference.split(separator: "/").last ?? "")
            if let target = schemas[name] { check(value, target, at: location, into: &problems, depth: depth + 1) }
            return
        }
        if let branches = (schema["anyOf"] ?? schema["oneOf"])?.arrayValue {
            return checkAlternatives(value, branches, at: location, into: &problems, depth: depth)
        }
        func fail(_ message: String) { problems.append(SchemaProblem(location: location, message: message)) }
        if let constant = schema["const"], !Self.matches(value, constant) {
            return fail("Input should be \(Self.quoted(constant))")
        }
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(where: { Self.matches(value, $0) }) {
            return fail("Input should be \(allowed.map(Self.quoted).joined(separator: ", "))")
        }
        switch schema["type"]?.stringValue ?? (schema["properties"] != nil ? "object" : nil) {
        case "null"?:
            if !value.isNull { fail("Input should be None") }
        case "string"?:
            checkString(value, schema, fail: fail)
        case "integer"?:
            guard let number = Self.integer(value) else { return fail("Input should be a valid integer") }
            checkRange(number, schema, fail: fail)
        case "number"?:
            guard let number = Self.number(value) else { return fail("Input should be a valid number") }
            checkRange(number, schema, fail: fail)
        case "boolean"?:
            if Self.boolean(value) == nil { fail("Input should be a valid boolean") }
        case "array"?:
            guard let items = value.arrayValue else { return fail("Input should be a valid list") }
            if let most = schema["maxItems"]?.intValue, items.count > most { fail("List should have at most \(most) items") }
            if let least = schema["minItems"]?.intValue, items.count < least { fail("List should have at least \(least) items") }
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() {
                    check(item, itemSchema, at: location + [String(index)], into: &problems, depth: depth + 1)
                }
            }
        case "object"?:
            guard let members = value.objectValue else { return fail("Input should be a valid dictionary") }
            checkObject(members, schema, at: location, into: &problems, depth: depth)
        default:
            break
        }
    }

    /// `anyOf`/`oneOf`: valid when one branch is; otherwise the problems of the branch
    /// that came closest, preferring a real type to `null` (pydantic reports both; one is clearer).
    func checkAlternatives(_ value: JSONValue, _ branches: [JSONValue], at location: [String],
                           into problems: inout [SchemaProblem], depth: Int) {
        var closest: [SchemaProblem]?
        for branch in branches {
            var found: [SchemaProblem] = []
            check(value, branch, at: location, into: &found, depth: depth + 1)
            if found.isEmpty { return }
            if branch["type"]?.stringValue == "null" { continue }
            if found.count < closest?.count ?? .max { closest = found }
        }
        problems += closest ?? [SchemaProblem(location: location, message: "Input should be None")]
    }

    func checkObject(_ members: OrderedDictionary<String, JSONValue>, _ schema: JSONValue, at location: [String],
                     into problems: inout [SchemaProblem], depth: Int) {
        let properties = schema["properties"]?.objectValue ?? [:]
        let given = Dictionary(members.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        for required in schema["required"]?.arrayValue ?? [] {
            if let name = required.stringValue, given[name] == nil {
                problems.append(SchemaProblem(location: location + [name], message: "Field required"))
            }
        }
        for (name, value) in members {
            if let property = properties[name] {
                check(value, property, at: location + [name], into: &problems, depth: depth + 1)
                continue
            }
            if let keySchema = schema["propertyNames"] {
                check(.string(name), keySchema, at: location + [name, "[key]"], into: &problems, depth: depth + 1)
            }
            if let extra = schema["additionalProperties"], extra.objectValue != nil {
                check(value, extra, at: location + [name], into: &problems, depth: depth + 1)
            }
        }
    }

    func checkString(_ value: JSONValue, _ schema: JSONValue, fail: (String) -> Void) {
        let format = schema["format"]?.stringValue
        if format == "date-time", Self.number(value) != nil, value.stringValue == nil { return }
        guard let text = value.stringValue else { return fail("Input should be a valid string") }
        let length = text.unicodeScalars.count
        if let most = schema["maxLength"]?.intValue, length > most {
            return fail("String should have at most \(most) character\(most == 1 ? "" : "s")")
        }
        if let least = schema["minLength"]?.intValue, length < least {
            return fail("String should have at least \(least) character\(least == 1 ? "" : "s")")
        }
        if let pattern = schema["pattern"]?.stringValue, let expression = patterns[pattern],
           expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil {
            return fail("String should match pattern '\(pattern)'")
        }
        switch format {
        case "uuid": if !Self.isUUID(text) { fail("Input should be a valid UUID") }
        case "date-time": if Timestamp.parse(text) == nil { fail("Input should be a valid datetime") }
        default: break
        }
    }

    func checkRange(_ number: Double, _ schema: JSONValue, fail: (String) -> Void) {
        if let bound = Self.number(schema["minimum"] ?? .null), number < bound { fail("Input should be greater than or equal to \(Self.text(bound))") }
        if let bound = Self.number(schema["maximum"] ?? .null), number > bound { fail("Input should be less than or equal to \(Self.text(bound))") }
        if let bound = Self.number(schema["exclusiveMinimum"] ?? .null), number <= bound { fail("Input should be greater than \(Self.text(bound))") }
        if let bound = Self.number(schema["exclusiveMaximum"] ?? .null), number >= bound { fail("Input should be less than \(Self.text(bound))") }
    }
}
