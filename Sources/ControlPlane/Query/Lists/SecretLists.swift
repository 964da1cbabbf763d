/// How the `Secret` list route maps ZenML's query parameters onto the secret store's list.
/// Fields are named as ZenML names them; the secret store maps them to its storage.
extension ResourceSchema {
    static var secrets: ResourceSchema {
        ResourceSchema(table: "secrets", noun: "secret", projectScoped: false, fields: [
            "name": ("name", .string), "private": ("private", .bool), "user_id": ("user_id", .uuid),
        ])
    }
}
