import Storage

/// Where models, their versions and the versions' links to artifacts and runs are kept.
/// Names are unique per project, version names and numbers per model, and a held stage per
/// model — all by constraint, so concurrent writers cannot both win.
protocol ModelRepository: Sendable {
    /// Makes a model with its tags; returns its id.
    func createModel(projectID: String, _ model: ModelFields, tags: [TagSpec], userID: String) async throws -> String
    /// Changes a model and its tags.
    func updateModel(id: String, _ change: ModelFields, addTags: [TagSpec], removeTags: [String], userID: String) async throws
    /// Removes a model with its versions and their links; false when there was none.
    func deleteModel(id: String) async throws -> Bool
    /// Makes a version (numbered next in its model; `draft.projectID` may be the project's
    /// name); returns its id.
    func createVersion(_ draft: ModelVersionDraft, userID: String) async throws -> String
    /// Changes a version: stage (archiving the holder when forced), name, description, tags.
    func updateVersion(id: String, _ change: ModelVersionChange, userID: String) async throws
    /// Removes a version and its links; false when there was none.
    func deleteVersion(id: String) async throws -> Bool
    /// Links an artifact version to a model version (idempotent); returns the link id.
    func linkArtifact(modelVersionID: String, artifactVersionID: String, userID: String) async throws -> String
    /// Links a pipeline run to a model version (idempotent); returns the link id.
    func linkRun(modelVersionID: String, runID: String, userID: String) async throws -> String
    /// Unlinks artifacts from a model version: one link (by link id or artifact name), or all.
    func unlinkArtifacts(modelVersionID: String, link: String?) async throws
    /// Unlinks one run (by link id or run name) from a model version.
    func unlinkRun(modelVersionID: String, link: String) async throws
}
