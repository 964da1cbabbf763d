/// A new model version: in a model, with a custom name or the next number as its name.
struct ModelVersionDraft: Sendable {
    var projectID: String
    var modelID: String
    var name: String?
    var description: String?
    var tags: [TagSpec]
    /// The run that made it, for versions a pipeline run creates: one numbered version per run.
    var producerRunID: String?

    /// A custom name may be neither a number nor a stage, as in ZenML.
    static func checkName(_ name: String) throws {
        if !name.isEmpty, name.allSatisfy(\.isNumber) {
            throw ControlPlaneError.invalid("Can't create model version with custom numeric model version name.")
        }
        if ModelStage.all.contains(name.lowercased()) {
            throw ControlPlaneError.invalid("Can't create model version with a name that is used as a model version stage (\(ModelStage.all.sorted())).")
        }
    }
}

/// A change to a model version; `force` lets a stage move from the version holding it, which
/// is archived.
struct ModelVersionChange: Sendable {
    var stage: String?
    var force: Bool
    var name: String?
    var description: String?
    var addTags: [TagSpec]
    var removeTags: [String]
}

extension ModelVersionDraft {
    /// Fills ZenML's `{date}`, `{time}` and custom placeholders from the run's substitutions.
    static func substitute(_ template: String, _ substitutions: JSONValue?) -> String {
        var text = template
        for (key, value) in substitutions?.objectValue ?? [:] {
            if let value = value.stringValue { text = text.replacingOccurrences(of: "{\(key)}", with: value) }
        }
        return text
    }
}
