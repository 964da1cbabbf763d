import GRDB
import Storage

/// Tagging inside a write transaction that is already open (creating a run with its
/// pipeline's tags, updating a model with `add_tags`): tags are made on first use and
/// linked idempotently; an exclusive tag leaves the other resources of its scope.
/// SQLite's side of `TagRepository`; the statements are portable SQL.
enum TagLinks {
    /// The tag named `spec.name` (or whose id it is), made with the spec's colour and
    /// exclusivity if it does not exist yet. Returns (id, exclusive).
    static func tag(_ spec: TagSpec, userID: String?, db: GRDB.Database) throws -> (id: String, exclusive: Bool) {
        if let row = try Row.fetchOne(db, sql: "SELECT id, exclusive FROM tags WHERE id = ?", arguments: [spec.name.lowercased()]) {
            return (row["id"], row["exclusive"])
        }
        let now = Timestamp.now()
        try db.execute(sql: """
            INSERT INTO tags (id, name, color, exclusive, user_id, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (name) DO NOTHING
            """, arguments: [String.newID(), spec.name, spec.color ?? TagSpec.colors.randomElement() ?? "grey", spec.exclusive ?? false, userID, now, now])
        guard let row = try Row.fetchOne(db, sql: "SELECT id, exclusive FROM tags WHERE name = ?", arguments: [spec.name]) else {
            throw ControlPlaneError.notFound("Unable to get tag '\(spec.name)'.")
        }
        let exclusive: Bool = row["exclusive"]
        if let wanted = spec.exclusive, wanted != exclusive {
            throw ControlPlaneError.invalid("Tag `\(spec.name)` has been defined as \(exclusive ? "an exclusive" : "a non-exclusive") tag. Please update it before attaching it to resources.")
        }
        return (row["id"], exclusive)
    }

    /// Links every tag of `specs` to every resource; `notFound` when a resource does not exist.
    static func attach(_ specs: [TagSpec], to resources: [(TaggableResource, String)], userID: String?, db: GRDB.Database) throws {
        guard !specs.isEmpty else { return }
        let tags = try specs.map { try tag($0, userID: userID, db: db) }
        for (kind, id) in resources {
            for tag in tags { _ = try link(tagID: tag.id, exclusive: tag.exclusive, kind: kind, resourceID: id, db: db) }
        }
    }

    /// Links one tag to one resource and returns the link's id (the existing one when the
    /// link was there already). An exclusive tag is first removed from the resource's scope.
    static func link(tagID: String, exclusive: Bool, kind: TaggableResource, resourceID: String, db: GRDB.Database) throws -> String {
        guard let table = kind.table,
              try String.fetchOne(db, sql: "SELECT id FROM \(table) WHERE id = ?", arguments: [resourceID]) != nil else {
            throw ControlPlaneError.notFound("Unable to get \(kind.noun) with ID '\(resourceID)': No \(kind.noun) with this ID found.")
        }
        if exclusive {
            guard let scope = kind.exclusiveScope else {
                throw ControlPlaneError.invalid("Can not attach exclusive tag to resource of type \(kind.rawValue) with ID: `\(resourceID)`. "
                    + "Exclusive tag functionality only works for pipeline runs, pipeline snapshots, pipeline deployments and artifact versions")
            }
            try db.execute(sql: """
                DELETE FROM tag_resources WHERE tag_id = ? AND resource_type = ? AND resource_id <> ?
                AND resource_id IN (SELECT id FROM \(table) WHERE \(scope) = (SELECT \(scope) FROM \(table) WHERE id = ?))
                """, arguments: [tagID, kind.rawValue, resourceID, resourceID])
        }
        let now = Timestamp.now()
        try db.execute(sql: """
            INSERT INTO tag_resources (id, tag_id, resource_id, resource_type, created, updated) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (tag_id, resource_id, resource_type) DO NOTHING
            """, arguments: [String.newID(), tagID, resourceID, kind.rawValue, now, now])
        return try String.fetchOne(db, sql: "SELECT id FROM tag_resources WHERE tag_id = ? AND resource_id = ? AND resource_type = ?",
                                    arguments: [tagID, resourceID, kind.rawValue]) ?? ""
    }

    /// Unlinks the tags named (or whose ids are) `names`; unknown tags are skipped, as in ZenML.
    static func detach(_ names: [String], from resources: [(TaggableResource, String)], db: GRDB.Database) throws {
        for name in names {
            guard let tagID = try String.fetchOne(db, sql: "SELECT id FROM tags WHERE id = ? OR name = ?", arguments: [name.lowercased(), name]) else { continue }
            for (kind, id) in resources {
                try db.execute(sql: "DELETE FROM tag_resources WHERE tag_id = ? AND resource_id = ? AND resource_type = ?",
                               arguments: [tagID, id, kind.rawValue])
            }
        }
    }

    /// Forgets every link of resources that are being deleted.
    static func forget(_ kind: TaggableResource, ids: [String], db: GRDB.Database) throws {
        for id in ids {
            try db.execute(sql: "DELETE FROM tag_resources WHERE resource_id = ? AND resource_type = ?", arguments: [id, kind.rawValue])
        }
    }

    /// Adds and removes the tags of `change` on one resource.
    static func apply(_ change: ResourceTagChange, kind: TaggableResource, id: String, userID: String?, db: GRDB.Database) throws {
        try attach(change.add, to: [(kind, id)], userID: userID, db: db)
        try detach(change.remove, from: [(kind, id)], db: db)
    }

    /// Applies a `tags` list on create, or `add_tags`/`remove_tags` on update, from a request.
    static func apply(_ fields: RequestFields, kind: TaggableResource, id: String, userID: String?, db: GRDB.Database,
                      keys: (add: String, remove: String?) = ("add_tags", "remove_tags")) throws {
        try attach(try TagSpec.list(fields.raw(keys.add), field: keys.add), to: [(kind, id)], userID: userID, db: db)
        if let remove = keys.remove {
            let names = try TagSpec.list(fields.raw(remove), field: remove).map(\.name)
            try detach(names, from: [(kind, id)], db: db)
        }
    }
}
