/// How the `User` list route maps ZenML's query parameters onto Identity's account list.
/// Fields are named as ZenML names them; Identity maps them to its storage.
extension ResourceSchema {
    static var users: ResourceSchema {
        ResourceSchema(table: "users", noun: "user", projectScoped: false, fields: [
            "name": ("name", .string), "full_name": ("full_name", .string), "email": ("email", .string), "active": ("active", .bool),
        ])
    }
}
