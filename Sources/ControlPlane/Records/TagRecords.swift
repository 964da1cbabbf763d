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
}
