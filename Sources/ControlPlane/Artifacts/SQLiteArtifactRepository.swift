import GRDB
@_spi(SQLiteImplementation) import Storage

/// Where artifacts and their versions are written. An artifact's name is unique in its
/// project and a version label within its artifact, both by constraints; version numbers
/// are computed in the insert and retried when another writer took one first.
protocol ArtifactRepository: Sendable {
    /// Renames an artifact or marks its name custom (nil keeps either), and changes its tags.
    func updateArtifact(id: String, name: String?, hasCustomName: Bool?, tags: ResourceTagChange, userID: String?) async throws
    /// Removes an artifact that has no versions left.
    func deleteArtifact(id: String) async throws
    /// Records the versions (and their artifacts when new) in one transaction: all or none.
    func createVersions(_ drafts: [ArtifactVersionDraft], userID: String) async throws -> [String]
    /// Changes a version's tags.
    func updateVersion(id: String, tags: ResourceTagChange, userID: String?) async throws
    /// Removes a version.
    func deleteVersion(id: String) async throws
}

/// `ArtifactRepository` on the control plane's `artifacts` and `artifact_versions` tables,
/// over any GRDB writer.
struct SQLiteArtifactRepository: ArtifactRepository {
    let writer: any DatabaseWriter

    func updateArtifact(id: String, name: String?, hasCustomName: Bool?, tags: ResourceTagChange, userID: String?) async throws {
        try await writer.guardedWrite { db in
            do {
                try db.execute(sql: "UPDATE artifacts SET name = COALESCE(?, name), has_custom_name = COALESCE(?, has_custom_name), updated = ? WHERE id = ?",
                               arguments: [name, hasCustomName, Timestamp.now(), id])
            } catch where ConstraintViolation(error) == .duplicate(table: "artifacts") {
                throw ControlPlaneError.alreadyExists("An artifact named '\(name ?? "")' already exists in this project.")
            }
            guard db.changesCount == 1 else { throw ControlPlaneError.missing("artifact", id: id) }
            try TagLinks.apply(tags, kind: .artifact, id: id, userID: userID, db: db)
        }
    }

    func deleteArtifact(id: String) async throws {
        try await writer.guardedWrite { db in
            guard try String.fetchOne(db, sql: "SELECT id FROM artifacts WHERE id = ?", arguments: [id]) != nil else { throw ControlPlaneError.missing("artifact", id: id) }
            if try String.fetchOne(db, sql: "SELECT id FROM artifact_versions WHERE artifact_id = ? LIMIT 1", arguments: [id]) != nil {
                throw ControlPlaneError.forbidden("The artifact still has versions; delete them first.")
            }
            try TagLinks.forget(.artifact, ids: [id], db: db)
            try db.execute(sql: "DELETE FROM artifacts WHERE id = ?", arguments: [id])
        }
    }

    func createVersions(_ drafts: [ArtifactVersionDraft], userID: String) async throws -> [String] {
        try await writer.guardedWrite { db in try drafts.map { try Self.insert($0, userID: userID, db: db) } }
    }

    func updateVersion(id: String, tags: ResourceTagChange, userID: String?) async throws {
        try await writer.guardedWrite { db in
            guard try String.fetchOne(db, sql: "SELECT id FROM artifact_versions WHERE id = ?", arguments: [id]) != nil else {
                throw ControlPlaneError.missing("artifact version", id: id)
            }
            try TagLinks.apply(tags, kind: .artifactVersion, id: id, userID: userID, db: db)
        }
    }

    func deleteVersion(id: String) async throws {
        try await writer.guardedWrite { db in
            guard try String.fetchOne(db, sql: "SELECT id FROM artifact_versions WHERE id = ?", arguments: [id]) != nil else {
                throw ControlPlaneError.missing("artifact version", id: id)
            }
            try TagLinks.forget(.artifactVersion, ids: [id], db: db)
            try db.execute(sql: "DELETE FROM artifact_versions WHERE id = ?", arguments: [id])
        }
    }


    /// Inserts one version (and its artifact when the name is new); returns its id.
    static func insert(_ draft: ArtifactVersionDraft, userID: String, db: GRDB.Database) throws -> String {
        let projectID = try ProjectLookup.id(of: draft.project, db: db)
        let now = Timestamp.now()
        let artifact: String
        let label = draft.artifactName ?? draft.artifactID ?? ""
        if let artifactID = draft.artifactID {
            guard try String.fetchOne(db, sql: "SELECT id FROM artifacts WHERE id = ? AND project_id = ?", arguments: [artifactID, projectID]) != nil else {
                throw ControlPlaneError.missing("artifact", id: artifactID)
            }
            artifact = artifactID
        } else {
            // Get-or-create in one statement behind UNIQUE (project_id, name), then read whichever row won.
            try db.execute(sql: """
                INSERT INTO artifacts (id, project_id, name, has_custom_name, user_id, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (project_id, name) DO NOTHING
                """, arguments: [String.newID(), projectID, draft.artifactName, draft.hasCustomName, userID, now, now])
            guard let existing = try String.fetchOne(db, sql: "SELECT id FROM artifacts WHERE project_id = ? AND name = ?",
                                                     arguments: [projectID, draft.artifactName]) else {
                throw ControlPlaneError.notFound("Unable to get artifact '\(label)'.")
            }
            artifact = existing
        }
        let id = String.newID()
        var names = ["id", "project_id", "artifact_id", "visualizations", "user_id", "created", "updated"]
        var values: [DatabaseValueConvertible?] = [id, projectID, artifact, JSONValue.array(draft.visualizations).text, userID, now, now]
        for (name, value) in draft.columns { names.append(name); values.append(value.databaseValue) }
        let marks = Array(repeating: "?", count: names.count).joined(separator: ", ")
        var inserted = false
        for _ in 0..<8 where !inserted {
            do {
                try db.inSavepoint {
                    if let version = draft.version {
                        try db.execute(sql: "INSERT INTO artifact_versions (\(names.joined(separator: ", ")), version, version_number) VALUES (\(marks), ?, ?)",
                                       arguments: StatementArguments(values + [version, Int64(version)]))
                    } else {
                        // The next number, computed in the same statement; a writer that took it first makes this try again.
                        guard try Int64.fetchOne(db, sql: "SELECT MAX(version_number) FROM artifact_versions WHERE artifact_id = ?", arguments: [artifact]) != Int64.max else {
                            throw ControlPlaneError.invalid("Artifact '\(label)' has no version number left; give the version explicitly.")
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
                if let version = draft.version {
                    throw ControlPlaneError.alreadyExists("Version '\(version)' of artifact '\(label)' already exists.")
                }
            }
        }
        guard inserted else {
            throw ControlPlaneError.stateConflict("Too many versions of artifact '\(label)' are being created at once; try again.")
        }
        try TagLinks.attach(draft.tags, to: [(.artifactVersion, id)], userID: userID, db: db)
        return id
    }
}
