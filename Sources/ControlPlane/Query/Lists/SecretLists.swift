/// How the `Secret` list routes map ZenML's query parameters onto their tables.
extension ResourceSchema {
    static var secrets: ResourceSchema {
        ResourceSchema(table: "secrets", noun: "secret", projectScoped: false, fields: [
            "name": ("t.name", .string), "private": ("t.private", .bool), "user_id": ("t.user_id", .uuid),
        ])
    }
}

extension SQLCondition {
    /// The secrets `userID` may see: every public one and its own private ones.
    static func secrets(visibleTo userID: String) -> SQLCondition {
        SQLCondition(sql: "(t.private = ? OR t.user_id = ?)", arguments: [false.storedValue, userID.storedValue])
    }
}
