import PostgresNIO
import Storage

/// `ArtifactRepository` on PostgreSQL's `artifacts` and `artifact_versions` tables. A new
/// numbered version is taken while holding its artifact's row, so replicas never compute
/// the same number; labels stay unique by constraint.
struct PostgresArtifactRepository: ArtifactRepository {
    let store: PostgresStore

    func updateArtifact(id: String, name: String?, hasCustomName: Bool?, tags: ResourceTagChange, userID: String?) async throws {
        do {
            try await store.write { session in
                guard try await session.changed("""
                    UPDATE artifacts SET name = COALESCE(\(name), name), has_custom_name = COALESCE(\(hasCustomName), has_custom_name),
                    updated = \(Timestamp.now()) WHERE id = \(id) RETURNING id
                    """) == 1 else { throw ControlPlaneError.missing("artifact", id: id) }
                try await PostgresTagLinks.apply(tags, kind: .artifact, id: id, userID: userID, session)
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "artifacts") {
            throw ControlPlaneError.alreadyExists("An artifact named '\(name ?? "")' already exists in this project.")
        }
    }

    func deleteArtifact(id: String) async throws {
        try await store.write { session in
            guard try await session.value("SELECT id FROM artifacts WHERE id = \(id) FOR UPDATE", as: String.self) != nil else {
                throw ControlPlaneError.missing("artifact", id: id)
            }
            if try await session.value("SELECT id FROM artifact_versions WHERE artifact_id = \(id) LIMIT 1", as: String.self) != nil {
                throw ControlPlaneError.forbidden("The artifact still has versions; delete them first.")
            }
            try await PostgresTagLinks.forget(.artifact, ids: [id], session)
            try await session.execute("DELETE FROM artifacts WHERE id = \(id)")
        }
    }

    func createVersions(_ drafts: [ArtifactVersionDraft], userID: String) async throws -> [String] {
        try await store.write { session in
            var ids: [String] = []
            for draft in drafts { ids.append(try await Self.insert(draft, userID: userID, session)) }
            return ids
        }
    }

    func updateVersion(id: String, tags: ResourceTagChange, userID: String?) async throws {
        try await store.write { session in
            guard try await session.value("SELECT id FROM artifact_versions WHERE id = \(id) FOR SHARE", as: String.self) != nil else {
                throw ControlPlaneError.missing("artifact version", id: id)
            }
            try await PostgresTagLinks.apply(tags, kind: .artifactVersion, id: id, userID: userID, session)
        }
    }

    func deleteVersion(id: String) async throws {
        try await store.write { session in
            guard try await session.value("SELECT id FROM artifact_versions WHERE id = \(id) FOR UPDATE", as: String.self) != nil else {
                throw ControlPlaneError.missing("artifact version", id: id)
            }
            try await PostgresTagLinks.forget(.artifactVersion, ids: [id], session)
            try await session.execute("DELETE FROM artifact_versions WHERE id = \(id)")
        }
    }

    /// Inserts one version (and its artifact when the name is new); returns its id.
    static func insert(_ draft: ArtifactVersionDraft, userID: String, _ session: PostgresSession) async throws -> String {
        let projectID = try await session.projectID(draft.project)
        let now = Timestamp.now()
        let label = draft.artifactName ?? draft.artifactID ?? ""
        let artifact: String
        if let artifactID = draft.artifactID {
            guard try await session.value("SELECT id FROM artifacts WHERE id = \(artifactID) AND project_id = \(projectID) FOR UPDATE",
                                          as: String.self) != nil else {
                throw ControlPlaneError.missing("artifact", id: artifactID)
            }
            artifact = artifactID
        } else {
            try await session.execute("""
                INSERT INTO artifacts (id, project_id, name, has_custom_name, user_id, created, updated)
                VALUES (\(String.newID()), \(projectID), \(draft.artifactName), \(draft.hasCustomName), \(userID), \(now), \(now))
                ON CONFLICT (project_id, name) DO NOTHING
                """)
            guard let existing = try await session.value("""
                SELECT id FROM artifacts WHERE project_id = \(projectID) AND name = \(draft.artifactName) FOR UPDATE
                """, as: String.self) else {
                throw ControlPlaneError.notFound("Unable to get artifact '\(label)'.")
            }
            artifact = existing
        }
        let id = String.newID()
        var statement = PostgresStatement()
        var names = ["id", "project_id", "artifact_id", "visualizations", "user_id", "created", "updated"]
        var marks = [statement.bind(id), statement.bind(projectID), statement.bind(artifact), statement.bind(JSONValue.array(draft.visualizations).text),
                     statement.bind(userID), statement.bind(now), statement.bind(now)]
        for (name, value) in draft.columns.sorted(by: { $0.key < $1.key }) {
            names.append(name)
            marks.append(statement.bind(value, as: value.listedKind))
        }
        if let version = draft.version {
            let (versionMark, numberMark) = (statement.bind(version), statement.bind(Int64(version)))
            guard try await session.changed(statement.query("""
                INSERT INTO artifact_versions (\(names.joined(separator: ", ")), version, version_number)
                VALUES (\(marks.joined(separator: ", ")), \(versionMark), \(numberMark))
                ON CONFLICT (artifact_id, version) DO NOTHING RETURNING id
                """)) == 1 else {
                throw ControlPlaneError.alreadyExists("Version '\(version)' of artifact '\(label)' already exists.")
            }
        } else {
            guard try await session.value("SELECT MAX(version_number) FROM artifact_versions WHERE artifact_id = \(artifact)", as: Int64.self) != Int64.max else {
                throw ControlPlaneError.invalid("Artifact '\(label)' has no version number left; give the version explicitly.")
            }
            let artifactMark = statement.bind(artifact)
            try await session.execute(statement.query("""
                INSERT INTO artifact_versions (\(names.joined(separator: ", ")), version, version_number)
                SELECT \(marks.joined(separator: ", ")), CAST(COALESCE(MAX(version_number), 0) + 1 AS TEXT), COALESCE(MAX(version_number), 0) + 1
                FROM artifact_versions WHERE artifact_id = \(artifactMark)
                """))
        }
        try await PostgresTagLinks.attach(draft.tags, to: [(.artifactVersion, id)], userID: userID, session)
        return id
    }
}
