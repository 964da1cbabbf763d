import PostgresNIO
import Storage

/// Tagging inside a PostgreSQL transaction already open, as `TagLinks` does on SQLite: tags
/// are made on first use and linked idempotently; an exclusive tag leaves the other
/// resources of its scope.
enum PostgresTagLinks {
    /// The tag named `spec.name` (or whose id it is), made if it does not exist yet. Returns (id, exclusive).
    static func tag(_ spec: TagSpec, userID: String?, _ session: PostgresSession) async throws -> (id: String, exclusive: Bool) {
        if let row = try await session.row("SELECT id, exclusive FROM tags WHERE id = \(spec.name.lowercased())") {
            return (try row.decode(forColumn: "id"), try row.decode(forColumn: "exclusive"))
        }
        let now = Timestamp.now()
        try await session.execute("""
            INSERT INTO tags (id, name, color, exclusive, user_id, created, updated)
            VALUES (\(String.newID()), \(spec.name), \(spec.color ?? TagSpec.colors.randomElement() ?? "grey"), \(spec.exclusive ?? false), \(userID),
                \(now), \(now))
            ON CONFLICT (name) DO NOTHING
            """)
        guard let row = try await session.row("SELECT id, exclusive FROM tags WHERE name = \(spec.name)") else {
            throw ControlPlaneError.notFound("Unable to get tag '\(spec.name)'.")
        }
        let exclusive: Bool = try row.decode(forColumn: "exclusive")
        if let wanted = spec.exclusive, wanted != exclusive {
            throw ControlPlaneError.invalid("Tag `\(spec.name)` has been defined as \(exclusive ? "an exclusive" : "a non-exclusive") tag. Please update it before attaching it to resources.")
        }
        return (try row.decode(forColumn: "id"), exclusive)
    }

    /// Links every tag of `specs` to every resource; `notFound` when a resource does not exist.
    static func attach(_ specs: [TagSpec], to resources: [(TaggableResource, String)], userID: String?, _ session: PostgresSession) async throws {
        guard !specs.isEmpty else { return }
        var tags: [(id: String, exclusive: Bool)] = []
        for spec in specs { tags.append(try await tag(spec, userID: userID, session)) }
        for (kind, id) in resources {
            for tag in tags { _ = try await link(tagID: tag.id, exclusive: tag.exclusive, kind: kind, resourceID: id, session) }
        }
    }

    /// Links one tag to one resource and returns the link's id (the existing one when there
    /// was one). An exclusive tag is first removed from the resource's scope.
    static func link(tagID: String, exclusive: Bool, kind: TaggableResource, resourceID: String, _ session: PostgresSession) async throws -> String {
        guard let table = kind.table,
              try await session.value("SELECT id FROM \(unescaped: table) WHERE id = \(resourceID) FOR SHARE", as: String.self) != nil else {
            throw ControlPlaneError.notFound("Unable to get \(kind.noun) with ID '\(resourceID)': No \(kind.noun) with this ID found.")
        }
        if exclusive {
            guard let scope = kind.exclusiveScope else {
                throw ControlPlaneError.invalid("Can not attach exclusive tag to resource of type \(kind.rawValue) with ID: `\(resourceID)`. "
                    + "Exclusive tag functionality only works for pipeline runs, pipeline snapshots, pipeline deployments and artifact versions")
            }
            // One writer per tag at a time, so two resources of one scope never both keep it.
            try await session.lock("tag:\(tagID)")
            try await session.execute("""
                DELETE FROM tag_resources WHERE tag_id = \(tagID) AND resource_type = \(kind.rawValue) AND resource_id <> \(resourceID)
                AND resource_id IN (SELECT id FROM \(unescaped: table) WHERE \(unescaped: scope) = (SELECT \(unescaped: scope) FROM \(unescaped: table) WHERE id = \(resourceID)))
                """)
        }
        let now = Timestamp.now()
        try await session.execute("""
            INSERT INTO tag_resources (id, tag_id, resource_id, resource_type, created, updated)
            VALUES (\(String.newID()), \(tagID), \(resourceID), \(kind.rawValue), \(now), \(now))
            ON CONFLICT (tag_id, resource_id, resource_type) DO NOTHING
            """)
        return try await session.value("""
            SELECT id FROM tag_resources WHERE tag_id = \(tagID) AND resource_id = \(resourceID) AND resource_type = \(kind.rawValue)
            """, as: String.self) ?? ""
    }

    /// Unlinks the tags named (or whose ids are) `names`; unknown tags are skipped, as in ZenML.
    static func detach(_ names: [String], from resources: [(TaggableResource, String)], _ session: PostgresSession) async throws {
        for name in names {
            guard let tagID = try await session.value("SELECT id FROM tags WHERE id = \(name.lowercased()) OR name = \(name)", as: String.self) else { continue }
            for (kind, id) in resources {
                try await session.execute("DELETE FROM tag_resources WHERE tag_id = \(tagID) AND resource_id = \(id) AND resource_type = \(kind.rawValue)")
            }
        }
    }

    /// Forgets every link of resources that are being deleted.
    static func forget(_ kind: TaggableResource, ids: [String], _ session: PostgresSession) async throws {
        guard !ids.isEmpty else { return }
        try await session.execute("DELETE FROM tag_resources WHERE resource_id = ANY(\(ids)) AND resource_type = \(kind.rawValue)")
    }

    /// Adds and removes the tags of `change` on one resource.
    static func apply(_ change: ResourceTagChange, kind: TaggableResource, id: String, userID: String?, _ session: PostgresSession) async throws {
        try await attach(change.add, to: [(kind, id)], userID: userID, session)
        try await detach(change.remove, from: [(kind, id)], session)
    }
}
