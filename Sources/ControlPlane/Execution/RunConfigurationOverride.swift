import OrderedCollections

/// A ZenML `run_configuration` sent with a snapshot run, applied to the snapshot's copy as
/// ZenML's server does for what Enclave supports: the run name and each step's parameters.
/// Anything else it carries is refused by name rather than silently dropped.
struct RunConfigurationOverride: Sendable {
    var runName: String?
    /// Step invocation id → parameters to set.
    var stepParameters: [(String, OrderedDictionary<String, JSONValue>)] = []

    /// Keys of a run configuration that say nothing when null or empty, and those Enclave applies.
    static let applied: Set<String> = ["run_name", "steps", "parameters"]

    /// The override `value` asks for (null or absent: none).
    init(_ value: JSONValue?) throws {
        guard let value, !value.isNull else { return }
        guard let members = value.objectValue else { throw ControlPlaneError.validation("run_configuration must be an object.") }
        for (key, member) in members where !Self.isEmpty(member) && !Self.applied.contains(key) {
            throw ControlPlaneError.invalid("Enclave applies 'run_name' and the steps' 'parameters' of a run configuration; '\(key)' is not applied to server-triggered runs yet.")
        }
        if let name = members["run_name"], !name.isNull {
            guard let text = name.stringValue, !text.isEmpty, text.count <= 255 else {
                throw ControlPlaneError.validation("run_configuration.run_name must be text of 1 to 255 characters.")
            }
            runName = text
        }
        for (step, update) in members["steps"]?.objectValue ?? [:] {
            for (key, member) in update.objectValue ?? [:]
            where key != "parameters" && key != "name" && !Self.isEmpty(member) && Self.stepDefaults[key] != member {
                throw ControlPlaneError.invalid("Enclave applies only 'parameters' of a step in a run configuration; '\(key)' of step \(step) is not applied yet.")
            }
            if let parameters = update["parameters"]?.objectValue, !parameters.isEmpty { stepParameters.append((step, parameters)) }
        }
    }

    /// Step settings the client sends at their default value whether or not the user set them
    /// (it serializes the whole model): they say nothing.
    static let stepDefaults: [String: JSONValue] = ["heartbeat_healthy_threshold": .int(30)]

    static func isEmpty(_ value: JSONValue) -> Bool {
        switch value {
        case .null: true
        case .object(let members): members.isEmpty
        case .array(let items): items.isEmpty
        default: false
        }
    }

    /// `steps` (a snapshot's `step_configurations`) with the parameters set; a step or parameter
    /// the snapshot does not have is refused in ZenML's words.
    func apply(to steps: JSONValue) throws -> JSONValue {
        guard var byStep = steps.objectValue else { return steps }
        for (invocation, parameters) in stepParameters {
            guard var step = byStep[invocation]?.objectValue else {
                throw ControlPlaneError.invalid("Run configuration contains a step that is not in the snapshot: \(invocation).")
            }
            var config = step["config"]?.objectValue ?? [:]
            var known = config["parameters"]?.objectValue ?? [:]
            let unknown = parameters.keys.filter { known[$0] == nil }
            if !unknown.isEmpty {
                let names = unknown.map { "'\($0)'" }.joined(separator: ", ")
                throw ControlPlaneError.invalid("Run configuration contains the following unknown parameters for step \(invocation): {\(names)}.")
            }
            var overrides = step["step_config_overrides"]?.objectValue ?? [:]
            var overridden = overrides["parameters"]?.objectValue ?? [:]
            for (name, value) in parameters { known[name] = value; overridden[name] = value }
            config["parameters"] = .object(known)
            overrides["parameters"] = .object(overridden)
            step["config"] = .object(config)
            if step["step_config_overrides"] != nil { step["step_config_overrides"] = .object(overrides) }
            byStep[invocation] = .object(step)
        }
        return .object(byStep)
    }
}
