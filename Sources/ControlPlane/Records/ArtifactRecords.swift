/// A stored artifact (the name its versions share). One row of `artifacts`, typed.
struct ArtifactRecord: StoredRecord {
    static let table = "artifacts"
    let id: String
    let projectID: String
    let name: String
    let hasCustomName: Bool
    let userID: String?
    let created: String
    let updated: String

    init(_ row: StoredRow) throws {
        id = try row.decode(forColumn: "id")
        projectID = try row.decode(forColumn: "project_id")
        name = try row.decode(forColumn: "name")
        hasCustomName = try row.decode(forColumn: "has_custom_name")
        userID = try row.decode(forColumn: "user_id")
        created = try row.decode(forColumn: "created")
        updated = try row.decode(forColumn: "updated")
    }
}

/// A stored artifact version. One row of `artifact_versions`, typed.
struct ArtifactVersionRecord: StoredRecord {
    static let table = "artifact_versions"
    let id: String
    let projectID: String
    let artifactID: String
    let version: String
    let versionNumber: Int64?
    let uri: String
    let type: String
    let materializer: String
    let dataType: String
    let saveType: String
    let artifactStoreID: String?
    let contentHash: String?
    let itemCount: Int64?
    let visualizations: String
    let runMetadata: String
    let producerStepRunID: String?
    let userID: String?
    let created: String
    let updated: String

    init(_ row: StoredRow) throws {
        id = try row.decode(forColumn: "id")
        projectID = try row.decode(forColumn: "project_id")
        artifactID = try row.decode(forColumn: "artifact_id")
        version = try row.decode(forColumn: "version")
        versionNumber = try row.decode(forColumn: "version_number")
        uri = try row.decode(forColumn: "uri")
        type = try row.decode(forColumn: "type")
        materializer = try row.decode(forColumn: "materializer")
        dataType = try row.decode(forColumn: "data_type")
        saveType = try row.decode(forColumn: "save_type")
        artifactStoreID = try row.decode(forColumn: "artifact_store_id")
        contentHash = try row.decode(forColumn: "content_hash")
        itemCount = try row.decode(forColumn: "item_count")
        visualizations = try row.decode(forColumn: "visualizations")
        runMetadata = try row.decode(forColumn: "run_metadata")
        producerStepRunID = try row.decode(forColumn: "producer_step_run_id")
        userID = try row.decode(forColumn: "user_id")
        created = try row.decode(forColumn: "created")
        updated = try row.decode(forColumn: "updated")
    }
}

/// One input or output of a step: the artifact version with the name, kind and position the
/// step gave it (a `step_run_artifacts` link joined with its version).
struct StepArtifactLink: Sendable {
    let version: ArtifactVersionRecord
    let name: String
    let inputType: String?
    let position: Int64

    init(_ row: StoredRow) throws {
        version = try ArtifactVersionRecord(row)
        name = try row.decode(forColumn: "link_name")
        inputType = try row.decode(forColumn: "link_input_type")
        position = try row.decode(forColumn: "link_position")
    }
}
