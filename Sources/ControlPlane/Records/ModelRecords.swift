/// A stored model of the model control plane. One row of `models`, typed.
struct ModelRecord: StoredRecord {
    static let table = "models"
    let id: String
    let projectID: String
    let name: String
    let license: String?
    let description: String?
    let audience: String?
    let useCases: String?
    let limitations: String?
    let tradeOffs: String?
    let ethics: String?
    let saveModelsToRegistry: Bool
    let userID: String?
    let created: String
    let updated: String
}

/// A stored model version. One row of `model_versions`, typed.
struct ModelVersionRecord: StoredRecord {
    static let table = "model_versions"
    let id: String
    let projectID: String
    let modelID: String
    let name: String
    let number: Int64
    let description: String?
    let stage: String?
    let producerRunID: String?
    let runMetadata: String
    let userID: String?
    let created: String
    let updated: String
}

/// A stored link from a model version to an artifact version. One row of `model_version_artifacts`, typed.
struct ModelVersionArtifactLink: StoredRecord {
    static let table = "model_version_artifacts"
    let id: String
    let modelVersionID: String
    let artifactVersionID: String
    let userID: String?
    let created: String
    let updated: String
}

/// A stored link from a model version to a pipeline run. One row of `model_version_pipeline_runs`, typed.
struct ModelVersionRunLink: StoredRecord {
    static let table = "model_version_pipeline_runs"
    let id: String
    let modelVersionID: String
    let pipelineRunID: String
    let userID: String?
    let created: String
    let updated: String
}
