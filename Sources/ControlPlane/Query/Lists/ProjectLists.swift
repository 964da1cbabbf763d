/// How the `Project` list routes map ZenML's query parameters onto their tables.
extension ResourceSchema {
    static var projects: ResourceSchema {
        ResourceSchema(table: "projects", noun: "project", projectScoped: false, fields: [
            "name": ("t.name", .string), "display_name": ("t.display_name", .string),
        ])
    }
}
