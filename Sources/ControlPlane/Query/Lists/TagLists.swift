/// How the `Tag` list routes map ZenML's query parameters onto their tables.
extension ResourceSchema {
    static var tags: ResourceSchema {
        ResourceSchema(table: "tags", noun: "tag", projectScoped: false, fields: [
            "name": ("t.name", .string), "color": ("t.color", .string), "exclusive": ("t.exclusive", .bool), "user_id": ("t.user_id", .uuid),
        ], custom: [
            "resource_type": { value in
                let condition = try ListQuery.condition("resource_type", "l.resource_type", .string, value)
                return condition.within("t.id IN (SELECT l.tag_id FROM tag_resources l WHERE ", ")")
            },
        ])
    }
}
