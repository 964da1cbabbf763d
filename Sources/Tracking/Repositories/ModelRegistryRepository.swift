/// Where the model registry is stored: registered models, their numbered versions, tags
/// and aliases. Version numbers are given by the database in the inserting statement, so
/// concurrent registrations never share one; a name is unique by constraint.
public protocol ModelRegistryRepository: Sendable {
    /// A new registered model; a taken name is `alreadyExists`.
    func createModel(name: String, description: String?, tags: [KeyValue]) async throws -> RegisteredModel
    func model(name: String) async throws -> RegisteredModel?
    func renameModel(name: String, to newName: String) async throws -> RegisteredModel
    func updateModel(name: String, description: String) async throws -> RegisteredModel
    /// Removes the model with its versions, tags and aliases.
    func deleteModel(name: String) async throws
    func setModelTag(name: String, _ tag: KeyValue) async throws
    func deleteModelTag(name: String, key: String) async throws
    /// Models matching `filter`, in `order` then by name.
    func models(filter: SearchFilter, order: [SearchOrder], offset: Int, limit: Int) async throws -> [RegisteredModel]

    /// The next version of `draft.name` (created with the model when it does not exist yet is not done: missing is `notFound`).
    func createVersion(_ draft: ModelVersionDraft) async throws -> ModelVersion
    func version(name: String, version: Int64) async throws -> ModelVersion?
    func updateVersion(name: String, version: Int64, description: String) async throws -> ModelVersion
    /// Moves a version to `stage`; with `archiveOthers`, the versions in that stage go to Archived.
    func transition(name: String, version: Int64, stage: String, archiveOthers: Bool) async throws -> ModelVersion
    func deleteVersion(name: String, version: Int64) async throws
    func setVersionTag(name: String, version: Int64, _ tag: KeyValue) async throws
    func deleteVersionTag(name: String, version: Int64, key: String) async throws
    /// Versions matching `filter`, in `order` then newest first.
    func versions(filter: SearchFilter, order: [SearchOrder], offset: Int, limit: Int) async throws -> [ModelVersion]
    /// The newest version per stage, only `stages` when given.
    func latestVersions(name: String, stages: [String]) async throws -> [ModelVersion]

    func setAlias(name: String, alias: String, version: Int64) async throws
    func deleteAlias(name: String, alias: String) async throws
    func version(name: String, alias: String) async throws -> ModelVersion?
}
