/// How the `ServiceAccount` list routes map ZenML's query parameters onto their tables.
extension ResourceSchema {
    static var serviceAccounts: ResourceSchema {
        ResourceSchema(table: "users", noun: "service account", projectScoped: false, fields: [
            "name": ("t.name", .string), "description": ("t.description", .string), "active": ("t.active", .bool),
        ])
    }
}
