/// How the `User` list routes map ZenML's query parameters onto their tables.
extension ResourceSchema {
    static var users: ResourceSchema {
        ResourceSchema(table: "users", noun: "user", projectScoped: false, fields: [
            "name": ("t.name", .string), "full_name": ("t.full_name", .string), "email": ("t.email", .string),
            "active": ("t.active", .bool),
        ])
    }
}

extension SQLCondition {
    /// Accounts of people, not service accounts.
    static let peopleOnly = SQLCondition(sql: "t.is_service_account = 0", arguments: [])
    /// Service accounts only.
    static let serviceAccountsOnly = SQLCondition(sql: "t.is_service_account = 1", arguments: [])
}
