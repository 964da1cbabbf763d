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
