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
