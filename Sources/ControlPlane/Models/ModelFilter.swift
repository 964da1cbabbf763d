
/// List filters that select rows by the model they belong to.
enum ModelFilter {
    /// `model=<name or id>` on a column holding a model version id.
    static func versionOwnedBy(_ column: String) -> @Sendable (String) throws -> SQLCondition? {
        { value in
            SQLCondition(sql: """
                \(column) IN (SELECT v.id FROM model_versions v JOIN models m ON m.id = v.model_id WHERE m.id = ? OR m.name = ?)
                """, arguments: [value.lowercased().storedValue, value.storedValue])
        }
    }
}
