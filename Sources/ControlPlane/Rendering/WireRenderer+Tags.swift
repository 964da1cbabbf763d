extension WireRenderer {
    /// A tag as ZenML renders it, with how many resources carry it.
    func tag(_ record: TagRecord, detail: Detail) throws -> JSONValue {
        let id: String = record.id
        let body: JSONValue = [
            "created": .string(record.created), "updated": .string(record.updated),
            "user_id": .optional(record.userID), "color": .string(record.color),
            "exclusive": .bool(record.exclusive),
        ]
        return try entity(id: id, name: .string(record.name), body: body, detail: detail, metadata: {
            ["tagged_count": .int(relations.tagCounts.lookup(id) ?? 0)]
        }, resources: { ["user": try user(id: record.userID)] })
    }

    /// The tags on one resource, rendered nested, in name order.
    func tags(on kind: TaggableResource, id: String) throws -> JSONValue {
        let rows = relations.tags.lookup(RelationKey(group: kind.rawValue, id: id)) ?? []
        return .array(try rows.map { try tag(TagRecord($0), detail: .nested) })
    }

    /// One tag-resource link as the batch endpoints answer it.
    func tagResource(_ record: TagResourceRecord) throws -> JSONValue {
        Self.envelope(id: record.id, name: nil, body: [
            "created": .string(record.created), "updated": .string(record.updated),
            "tag_id": .string(record.tagID), "resource_id": .string(record.resourceID),
            "resource_type": .string(record.resourceType),
        ], metadata: .null, resources: .null)
    }
}
