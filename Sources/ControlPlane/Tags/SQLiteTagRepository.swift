import GRDB
@_spi(SQLiteImplementation) import Storage

/// `TagRepository` on the control plane's `tags` and `tag_resources` tables.
struct SQLiteTagRepository: TagRepository {
    let store: StateStore

    func create(_ spec: TagSpec, userID: String) async throws -> String {
        let id = String.newID(), now = Timestamp.now()
        do {
            try await store.database.guardedWrite { db in
                try db.execute(sql: "INSERT INTO tags (id, name, color, exclusive, user_id, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)",
                               arguments: [id, spec.name, spec.color ?? TagSpec.colors.randomElement() ?? "grey", spec.exclusive ?? false, userID, now, now])
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "tags") {
            throw ControlPlaneError.alreadyExists("Tag with name `\(spec.name)` already exists.")
        }
        return id
    }

    func update(id: String, _ change: TagChange) async throws {
        do {
            try await store.database.guardedWrite { db in
                guard let name = try String.fetchOne(db, sql: "SELECT name FROM tags WHERE id = ?", arguments: [id]) else {
                    throw ControlPlaneError.notFound("Unable to get tag with ID '\(id)': No tag with this ID found.")
                }
                if change.exclusive == true { try Self.checkCanBeExclusive(tagID: id, name: name, db: db) }
                try db.execute(sql: """
                    UPDATE tags SET name = COALESCE(?, name), color = COALESCE(?, color), exclusive = COALESCE(?, exclusive), updated = ? WHERE id = ?
                    """, arguments: [change.name, change.color, change.exclusive, Timestamp.now(), id])
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "tags") {
            throw ControlPlaneError.alreadyExists("Tag with name `\(change.name ?? "")` already exists.")
        }
    }

    /// An exclusive tag may sit only on kinds with a scope, and once per scope.
    static func checkCanBeExclusive(tagID: String, name: String, db: GRDB.Database) throws {
        let kinds = try String.fetchAll(db, sql: "SELECT DISTINCT resource_type FROM tag_resources WHERE tag_id = ? ORDER BY resource_type", arguments: [tagID])
        let refused = kinds.filter { TaggableResource(rawValue: $0)?.exclusiveScope == nil }
        if !refused.isEmpty {
            throw ControlPlaneError.invalid("The tag `\(name)` cannot be made exclusive because it is associated with non-allowed resource types: "
                + "\(refused.joined(separator: ", ")). Exclusive tags can only be applied to pipeline runs, artifact versions, and run templates.")
        }
        for kind in TaggableResource.allCases {
            guard let table = kind.table, let scope = kind.exclusiveScope else { continue }
            let shared = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM (SELECT r.\(scope) FROM tag_resources l JOIN \(table) r ON r.id = l.resource_id
                WHERE l.tag_id = ? AND l.resource_type = ? GROUP BY r.\(scope) HAVING COUNT(*) > 1) AS shared
                """, arguments: [tagID, kind.rawValue]) ?? 0
            if shared > 0 {
                throw ControlPlaneError.invalid("The tag `\(name)` is associated with multiple entries of `\(kind.rawValue)`s that share the same \(scope).")
            }
        }
    }

    func delete(id: String) async throws -> Bool {
        try await store.database.guardedWrite { db in
            try db.execute(sql: "DELETE FROM tags WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    func link(_ links: [TagResourceLink]) async throws -> [String] {
        try await store.database.guardedWrite { db in
            try links.map { link in
                guard let exclusive = try Bool.fetchOne(db, sql: "SELECT exclusive FROM tags WHERE id = ?", arguments: [link.tagID]) else {
                    throw ControlPlaneError.notFound("Unable to get tag with ID '\(link.tagID)': No tag with this ID found.")
                }
                return try TagLinks.link(tagID: link.tagID, exclusive: exclusive, kind: link.kind, resourceID: link.resourceID, db: db)
            }
        }
    }

    func unlink(_ links: [TagResourceLink]) async throws {
        try await store.database.guardedWrite { db in
            for link in links {
                try db.execute(sql: "DELETE FROM tag_resources WHERE tag_id = ? AND resource_id = ? AND resource_type = ?",
                               arguments: [link.tagID, link.resourceID, link.kind.rawValue])
            }
        }
    }
}
