extension WireRenderer {
    /// A tag as ZenML renders it, with how many resources carry it.
    func tag(_ row: StoredRow, detail: Detail) throws -> JSONValue {
        let id: String = try row.decode(forColumn: "id")
        let body: JSONValue = [
            "created": .string(try row.decode(forColumn: "created")), "updated": .string(try row.decode(forColumn: "updated")),
            "user_id": .optional(try row.decode(String?.self, forColumn: "user_id")), "color": .string(try row.decode(forColumn: "color")),
            "exclusive": .bool(try row.decode(forColumn: "exclusive")),
        ]
        return try entity(id: id, name: .string(try row.decode(forColumn: "name")), body: body, detail: detail, metadata: {
            ["tagged_count": .int(relations.tagCounts.lookup(id) ?? 0)]
        }, resources: { ["user": try user(id: try row.decode(String?.self, forColumn: "user_id"))] })
    }

    /// The tags on one resource, rendered nested, in name order.
    func tags(on kind: TaggableResource, id: String) throws -> JSONValue {
        let rows = relations.tags.lookup(RelationKey(group: kind.rawValue, id: id)) ?? []
        return .array(try rows.map { try tag($0, detail: .nested) })
    }

    /// One tag-resource link as the batch endpoints answer it.
    func tagResource(_ row: StoredRow) throws -> JSONValue {
        Self.envelope(id: try row.decode(forColumn: "id"), name: nil, body: [
            "created": .string(try row.decode(forColumn: "created")), "updated": .string(try row.decode(forColumn: "updated")),
            "tag_id": .string(try row.decode(forColumn: "tag_id")), "resource_id": .string(try row.decode(forColumn: "resource_id")),
            "resource_type": .string(try row.decode(forColumn: "resource_type")),
        ], metadata: .null, resources: .null)
    }
}
