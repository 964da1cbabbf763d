/// How the `ServiceAccount` list route maps ZenML's query parameters onto Identity's account
/// list. Fields are named as ZenML names them; Identity maps them to its storage.
extension ResourceSchema {
    static var serviceAccounts: ResourceSchema {
        ResourceSchema(table: "users", noun: "service account", projectScoped: false, fields: [
            "name": ("name", .string), "description": ("description", .string), "active": ("active", .bool),
        ])
    }
}
