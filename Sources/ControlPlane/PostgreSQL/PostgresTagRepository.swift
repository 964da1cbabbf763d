import PostgresNIO
import Storage

/// `TagRepository` on PostgreSQL's `tags` and `tag_resources` tables.
struct PostgresTagRepository: TagRepository {
    let store: PostgresStore

    func create(_ spec: TagSpec, userID: String) async throws -> String {
        let id = String.newID(), now = Timestamp.now()
        do {
            try await store.write { session in
                try await session.execute("""
                    INSERT INTO tags (id, name, color, exclusive, user_id, created, updated)
                    VALUES (\(id), \(spec.name), \(spec.color ?? TagSpec.colors.randomElement() ?? "grey"), \(spec.exclusive ?? false), \(userID),
                        \(now), \(now))
                    """)
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "tags") {
            throw ControlPlaneError.alreadyExists("Tag with name `\(spec.name)` already exists.")
        }
        return id
    }

    func update(id: String, _ change: TagChange) async throws {
        do {
            try await store.write { session in
                guard let name = try await session.value("SELECT name FROM tags WHERE id = \(id) FOR UPDATE", as: String.self) else {
                    throw ControlPlaneError.notFound("Unable to get tag with ID '\(id)': No tag with this ID found.")
                }
                if change.exclusive == true {
                    try await session.lock("tag:\(id)")
                    try await Self.checkCanBeExclusive(tagID: id, name: name, session)
                }
                try await session.execute("""
                    UPDATE tags SET name = COALESCE(\(change.name), name), color = COALESCE(\(change.color), color),
                    exclusive = COALESCE(\(change.exclusive), exclusive), updated = \(Timestamp.now()) WHERE id = \(id)
                    """)
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "tags") {
            throw ControlPlaneError.alreadyExists("Tag with name `\(change.name ?? "")` already exists.")
        }
    }

    /// An exclusive tag may sit only on kinds with a scope, and once per scope.
    static func checkCanBeExclusive(tagID: String, name: String, _ session: PostgresSession) async throws {
        let kinds = try await session.rows("""
            SELECT DISTINCT resource_type COLLATE "C" AS resource_type FROM tag_resources WHERE tag_id = \(tagID) ORDER BY 1
            """).map { try $0.decode(String.self) }
        let refused = kinds.filter { TaggableResource(rawValue: $0)?.exclusiveScope == nil }
        if !refused.isEmpty {
            throw ControlPlaneError.invalid("The tag `\(name)` cannot be made exclusive because it is associated with non-allowed resource types: "
                + "\(refused.joined(separator: ", ")). Exclusive tags can only be applied to pipeline runs, artifact versions, and run templates.")
        }
        for kind in TaggableResource.allCases {
            guard let table = kind.table, let scope = kind.exclusiveScope else { continue }
            let shared = try await session.value("""
                SELECT COUNT(*) FROM (SELECT r.\(unescaped: scope) FROM tag_resources l JOIN \(unescaped: table) r ON r.id = l.resource_id
                WHERE l.tag_id = \(tagID) AND l.resource_type = \(kind.rawValue) GROUP BY r.\(unescaped: scope) HAVING COUNT(*) > 1) AS shared
                """, as: Int64.self) ?? 0
            if shared > 0 {
                throw ControlPlaneError.invalid("The tag `\(name)` is associated with multiple entries of `\(kind.rawValue)`s that share the same \(scope).")
            }
        }
    }

    func delete(id: String) async throws -> Bool {
        try await store.write { session in try await session.changed("DELETE FROM tags WHERE id = \(id) RETURNING id") > 0 }
    }

    func link(_ links: [TagResourceLink]) async throws -> [String] {
        try await store.write { session in
            var ids: [String] = []
            for link in links {
                guard let exclusive = try await session.value("SELECT exclusive FROM tags WHERE id = \(link.tagID) FOR SHARE", as: Bool.self) else {
                    throw ControlPlaneError.notFound("Unable to get tag with ID '\(link.tagID)': No tag with this ID found.")
                }
                ids.append(try await PostgresTagLinks.link(tagID: link.tagID, exclusive: exclusive, kind: link.kind, resourceID: link.resourceID, session))
            }
            return ids
        }
    }

    func unlink(_ links: [TagResourceLink]) async throws {
        try await store.write { session in
            for link in links {
                try await session.execute("""
                    DELETE FROM tag_resources WHERE tag_id = \(link.tagID) AND resource_id = \(link.resourceID) AND resource_type = \(link.kind.rawValue)
                    """)
            }
        }
    }
}
