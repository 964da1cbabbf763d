/// ZenML's model version stages. `staging` and `production` are held by one version of a
/// model at a time; `latest` is a lookup, never stored.
enum ModelStage {
    static let stored: Set<String> = ["none", "staging", "production", "archived"]
    static let held: Set<String> = ["staging", "production"]
    static let all: Set<String> = stored.union(["latest"])
}

/// A model as the client creates or changes it; nil fields stay as they are on update.
struct ModelFields: Sendable {
    var name: String?
    var license: String?
    var description: String?
    var audience: String?
    var useCases: String?
    var limitations: String?
    var tradeOffs: String?
    var ethics: String?
    var saveModelsToRegistry: Bool?

    /// The descriptive columns, in table order, with their values.
    var columns: [(String, String?)] {
        [("license", license), ("description", description), ("audience", audience), ("use_cases", useCases),
         ("limitations", limitations), ("trade_offs", tradeOffs), ("ethics", ethics)]
    }

    /// Reads them from a request body (or a pipeline's `model` configuration).
    init(_ fields: RequestFields, nameRequired: Bool) throws {
        name = nameRequired ? try fields.name() : try fields.optionalName("name")
        license = try fields.string("license")
        description = try fields.string("description")
        audience = try fields.string("audience")
        useCases = try fields.string("use_cases")
        limitations = try fields.string("limitations")
        tradeOffs = try fields.string("trade_offs")
        ethics = try fields.string("ethics")
        saveModelsToRegistry = try fields.bool("save_models_to_registry")
    }
}

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
