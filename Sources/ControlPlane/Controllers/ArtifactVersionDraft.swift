import GRDB
import Storage

/// One artifact version as the client sends it, checked, ready to insert.
struct ArtifactVersionDraft {
    let project: String
    let artifactID: String?
    let artifactName: String?
    let version: String?
    let hasCustomName: Bool
    let columns: [String: DatabaseValueConvertible?]
    let visualizations: [JSONValue]
    let tags: [TagSpec]

    static let saveTypes: Set<String> = ["step_output", "manual", "preexisting", "external_manual", "external"]

    init(_ fields: RequestFields) throws {
        project = try fields.requiredString("project")
        artifactID = try fields.uuid("artifact_id")
        artifactName = try fields.optionalName("artifact_name")
        guard artifactID != nil || artifactName != nil else { throw fields.fail("artifact_name", "Field required (or artifact_id)") }
        switch fields.raw("version") {
        case nil: version = nil
        case let .string(s)?:
            if let problem = EntityName.problem(with: s) { throw fields.fail("version", "Version \(problem)") }
            version = s
        case let value?:
            guard let n = value.intValue else { throw fields.fail("version", "Input should be a string or an integer") }
            version = String(n)
        }
        hasCustomName = try fields.bool("has_custom_name") ?? false
        tags = try TagSpec.list(fields.raw("tags"), field: "tags")
        guard let materializer = try fields.object("materializer") else { throw fields.fail("materializer", "Field required") }
        guard let dataType = try fields.object("data_type") else { throw fields.fail("data_type", "Field required") }
        guard let saveType = try fields.choice("save_type", from: Self.saveTypes) else { throw fields.fail("save_type", "Field required") }
        columns = [
            "uri": try fields.requiredString("uri"), "type": try fields.requiredString("type"),
            "materializer": materializer.text, "data_type": dataType.text, "save_type": saveType,
            "artifact_store_id": try fields.uuid("artifact_store_id"), "content_hash": try fields.string("content_hash"),
            "item_count": try fields.int("item_count"), "run_metadata": (try fields.object("metadata") ?? [:]).text,
        ]
        visualizations = try (fields.array("visualizations") ?? []).map { item in
            guard let type = item["type"]?.stringValue, let uri = item["uri"]?.stringValue else {
                throw fields.fail("visualizations", "Each visualization needs a type and a uri")
            }
            return ["id": .string(String.newID()), "type": .string(type), "uri": .string(uri)]
        }
    }

    /// Inserts the version (and its artifact when the name is new); returns its id.
    func insert(userID: String, db: GRDB.Database) throws -> String {
        let projectID = try ProjectLookup.id(of: project, db: db)
        let now = Timestamp.now()
        let artifact: String
        if let artifactID {
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM artifacts WHERE id = ? AND project_id = ?", arguments: [artifactID, projectID]) ?? 0 > 0 else {
                throw ControlPlaneError.notFound("Unable to get artifact with ID '\(artifactID)': No artifact with this ID found.")
            }
            artifact = artifactID
        } else {
            // Get-or-create in one statement behind UNIQUE (project_id, name), then read whichever row won.
            try db.execute(sql: """
                INSERT INTO artifacts (id, project_id, name, has_custom_name, user_id, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (project_id, name) DO NOTHING
                """, arguments: [String.newID(), projectID, artifactName, hasCustomName, userID, now, now])
            guard let existing = try String.fetchOne(db, sql: "SELECT id FROM artifacts WHERE project_id = ? AND name = ?", arguments: [projectID, artifactName]) else {
                throw ControlPlaneError.notFound("Unable to get artifact '\(artifactName ?? "")'.")
            }
            artifact = existing
        }
        let id = String.newID()
        var names = ["id", "project_id", "artifact_id", "visualizations", "user_id", "created", "updated"]
        var values: [DatabaseValueConvertible?] = [id, projectID, artifact, JSONValue.array(visualizations).text, userID, now, now]
        for (name, value) in columns { names.append(name); values.append(value) }
        let marks = Array(repeating: "?", count: names.count).joined(separator: ", ")
        var inserted = false
        for _ in 0..<8 where !inserted {
            do {
                try db.inSavepoint {
                    if let version {
                        try db.execute(sql: "INSERT INTO artifact_versions (\(names.joined(separator: ", ")), version, version_number) VALUES (\(marks), ?, ?)",
                                       arguments: StatementArguments(values + [version, Int64(version)]))
                    } else {
                        // The next number, computed in the same statement; a writer that took it first makes this try again.
                        guard try Int64.fetchOne(db, sql: "SELECT MAX(version_number) FROM artifact_versions WHERE artifact_id = ?", arguments: [artifact]) != Int64.max else {
                            throw ControlPlaneError.invalid("Artifact '\(artifactName ?? artifact)' has no version number left; give the version explicitly.")
                        }
                        try db.execute(sql: """
                            INSERT INTO artifact_versions (\(names.joined(separator: ", ")), version, version_number)
                            SELECT \(marks), CAST(COALESCE(MAX(version_number), 0) + 1 AS TEXT), COALESCE(MAX(version_number), 0) + 1
                            FROM artifact_versions WHERE artifact_id = ?
                            """, arguments: StatementArguments(values + [artifact]))
                    }
                    return .commit
                }
                inserted = true
            } catch where ConstraintViolation.duplicateColumns(error)?.contains("version") == true {
                if let version {
                    throw ControlPlaneError.alreadyExists("Version '\(version)' of artifact '\(artifactName ?? artifact)' already exists.")
                }
            }
        }
        guard inserted else {
            throw ControlPlaneError.stateConflict("Too many versions of artifact '\(artifactName ?? artifact)' are being created at once; try again.")
        }
        try TagLinks.attach(tags, to: [(.artifactVersion, id)], userID: userID, db: db)
        return id
    }
}
