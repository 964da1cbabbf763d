/// A stack's writable fields as a request gave them (nil: not given, so kept on update).
struct StackFields: Sendable {
    var name: String?
    var description: String?
    var environment: JSONValue?
    var labels: JSONValue?
    var secrets: [JSONValue]?
    var specPath: String?
    /// Its components as `(type, id)`, already checked against the rules that need no
    /// storage (`StackComposition`); nil keeps the current ones on update.
    var components: [(type: String, id: String)]?
}

/// A stack component's writable fields as a request gave them (nil: not given).
struct ComponentFields: Sendable {
    var name: String?
    var type: String?
    var flavor: String?
    var configuration: JSONValue?
    var environment: JSONValue?
    var secrets: [JSONValue]?
    var labels: JSONValue?
    var connectorResourceID: String?
}

/// The rules of a `components` map that need no storage: known types, at most one per type,
/// an orchestrator and an artifact store present.
enum StackComposition {
    /// Every component type ZenML 0.98.0 knows.
    static let types: Set<String> = ["alerter", "annotator", "artifact_store", "container_registry", "data_validator",
                                     "experiment_tracker", "feature_store", "image_builder", "model_deployer", "orchestrator",
                                     "step_operator", "model_registry", "deployer", "log_store", "sandbox"]

    /// The `components` field as `(type, id)` pairs, or the request's error.
    static func components(_ fields: RequestFields) throws -> [(type: String, id: String)] {
        let entries = try fields.uuidListMap("components")
        var pairs: [(type: String, id: String)] = []
        for (type, list) in entries {
            guard types.contains(type) else { throw fields.fail("components", "Unknown component type '\(type)'") }
            guard list.count <= 1 else { throw ControlPlaneError.invalid("A stack takes one \(type), not \(list.count).") }
            pairs += list.map { (type, $0) }
        }
        let present = Set(pairs.map(\.type))
        for required in ["orchestrator", "artifact_store"] where !present.contains(required) {
            throw ControlPlaneError.invalid("A stack needs an \(required.replacingOccurrences(of: "_", with: " ")).")
        }
        return pairs
    }
}
