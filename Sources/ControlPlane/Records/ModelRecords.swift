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

    init(_ row: StoredRow) throws {
        id = try row.decode(forColumn: "id")
        projectID = try row.decode(forColumn: "project_id")
        name = try row.decode(forColumn: "name")
        license = try row.decode(forColumn: "license")
        description = try row.decode(forColumn: "description")
        audience = try row.decode(forColumn: "audience")
        useCases = try row.decode(forColumn: "use_cases")
        limitations = try row.decode(forColumn: "limitations")
        tradeOffs = try row.decode(forColumn: "trade_offs")
        ethics = try row.decode(forColumn: "ethics")
        saveModelsToRegistry = try row.decode(forColumn: "save_models_to_registry")
        userID = try row.decode(forColumn: "user_id")
        created = try row.decode(forColumn: "created")
        updated = try row.decode(forColumn: "updated")
    }
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

    init(_ row: StoredRow) throws {
        id = try row.decode(forColumn: "id")
        projectID = try row.decode(forColumn: "project_id")
        modelID = try row.decode(forColumn: "model_id")
        name = try row.decode(forColumn: "name")
        number = try row.decode(forColumn: "number")
        description = try row.decode(forColumn: "description")
        stage = try row.decode(forColumn: "stage")
        producerRunID = try row.decode(forColumn: "producer_run_id")
        runMetadata = try row.decode(forColumn: "run_metadata")
        userID = try row.decode(forColumn: "user_id")
        created = try row.decode(forColumn: "created")
        updated = try row.decode(forColumn: "updated")
    }
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

    init(_ row: StoredRow) throws {
        id = try row.decode(forColumn: "id")
        modelVersionID = try row.decode(forColumn: "model_version_id")
        artifactVersionID = try row.decode(forColumn: "artifact_version_id")
        userID = try row.decode(forColumn: "user_id")
        created = try row.decode(forColumn: "created")
        updated = try row.decode(forColumn: "updated")
    }
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

    init(_ row: StoredRow) throws {
        id = try row.decode(forColumn: "id")
        modelVersionID = try row.decode(forColumn: "model_version_id")
        pipelineRunID = try row.decode(forColumn: "pipeline_run_id")
        userID = try row.decode(forColumn: "user_id")
        created = try row.decode(forColumn: "created")
        updated = try row.decode(forColumn: "updated")
    }
}
