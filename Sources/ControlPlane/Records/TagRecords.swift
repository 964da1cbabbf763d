/// A stored tag. One row of `tags`, typed.
struct TagRecord: StoredRecord {
    static let table = "tags"
    let id: String
    let name: String
    let color: String
    let exclusive: Bool
    let userID: String?
    let created: String
    let updated: String

    init(_ row: StoredRow) throws {
        id = try row.decode(forColumn: "id")
        name = try row.decode(forColumn: "name")
        color = try row.decode(forColumn: "color")
        exclusive = try row.decode(forColumn: "exclusive")
        userID = try row.decode(forColumn: "user_id")
        created = try row.decode(forColumn: "created")
        updated = try row.decode(forColumn: "updated")
    }
}

/// A stored link from a tag to a resource it is on. One row of `tag_resources`, typed.
struct TagResourceRecord: StoredRecord {
    static let table = "tag_resources"
    let id: String
    let tagID: String
    let resourceID: String
    let resourceType: String
    let created: String
    let updated: String

    init(_ row: StoredRow) throws {
        id = try row.decode(forColumn: "id")
        tagID = try row.decode(forColumn: "tag_id")
        resourceID = try row.decode(forColumn: "resource_id")
        resourceType = try row.decode(forColumn: "resource_type")
        created = try row.decode(forColumn: "created")
        updated = try row.decode(forColumn: "updated")
    }
}
