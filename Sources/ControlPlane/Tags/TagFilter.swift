
/// ZenML's `tags=` list filter: each value (`name`, `startswith:nig`, `isnull:`…) must match
/// a tag on the row; `isnull:` selects rows without tags, `isnotnull:` rows with any.
enum TagFilter {
    /// The custom filter rule for rows of `kind` (the list's table is aliased `t`).
    static func rule(_ kind: TaggableResource) -> @Sendable (String) throws -> SQLCondition? {
        { value in
            let (op, _) = ListQuery.split(value)
            let linked = "SELECT l.resource_id FROM tag_resources l WHERE l.resource_type = '\(kind.rawValue)'"
            if op == "isnull" { return SQLCondition(sql: "t.id NOT IN (\(linked))", arguments: []) }
            if op == "isnotnull" { return SQLCondition(sql: "t.id IN (\(linked))", arguments: []) }
            let condition = try ListQuery.condition("tags", "g.name", .string, value)
            return condition.within("t.id IN (SELECT l.resource_id FROM tag_resources l JOIN tags g ON g.id = l.tag_id "
                                        + "WHERE l.resource_type = '\(kind.rawValue)' AND ", ")")
        }
    }
}
