/// How the `Stack` list routes map ZenML's query parameters onto their tables.
extension ResourceSchema {
    static var stacks: ResourceSchema {
        ResourceSchema(table: "stacks", noun: "stack", projectScoped: false, fields: [
            "name": ("t.name", .string), "description": ("t.description", .string), "user_id": ("t.user_id", .uuid),
        ], custom: [
            "component_id": { value in
                SQLCondition(sql: "t.id IN (SELECT stack_id FROM stack_composition WHERE component_id = ?)", arguments: [value.lowercased().storedValue])
            },
        ])
    }
}
