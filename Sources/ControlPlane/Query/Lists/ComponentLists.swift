/// How the `Component` list routes map ZenML's query parameters onto their tables.
extension ResourceSchema {
    static var stackComponents: ResourceSchema {
        ResourceSchema(table: "stack_components", noun: "stack component", projectScoped: false, fields: [
            "name": ("t.name", .string), "type": ("t.type", .string), "flavor": ("t.flavor", .string),
            "user_id": ("t.user_id", .uuid), "connector_resource_id": ("t.connector_resource_id", .string),
        ], custom: [
            "scope_type": { value in SQLCondition(sql: "t.type = ?", arguments: [value.storedValue]) },
            "stack_id": { value in
                SQLCondition(sql: "t.id IN (SELECT component_id FROM stack_composition WHERE stack_id = ?)", arguments: [value.lowercased().storedValue])
            },
        ])
    }

    static var flavors: ResourceSchema {
        ResourceSchema(table: "flavors", noun: "flavor", projectScoped: false, fields: [
            "name": ("t.name", .string), "type": ("t.type", .string), "integration": ("t.integration", .string),
            "user_id": ("t.user_id", .uuid),
        ])
    }
}
