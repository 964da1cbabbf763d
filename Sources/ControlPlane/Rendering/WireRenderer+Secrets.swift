import Secrets

extension WireRenderer {
    /// A secret as ZenML renders it, with its owner already rendered; `values` is empty in
    /// lists and for readers.
    static func secret(_ record: SecretRecord, values: [String: String], owner: JSONValue, detail: Detail) -> JSONValue {
        var rendered: JSONValue = [:]
        for (key, value) in values.sorted(by: { $0.key < $1.key }) { rendered[key] = .string(value) }
        let body: JSONValue = [
            "created": .string(record.created), "updated": .string(record.updated), "user_id": .optional(record.userID),
            "private": .bool(record.isPrivate), "values": rendered,
        ]
        return envelope(id: record.id, name: .string(record.name), body: body,
                        metadata: detail == .full ? [:] : .null, resources: detail == .nested ? .null : ["user": owner])
    }

    /// A secret in a list: no values, its owner from this renderer's cache.
    func secret(_ record: SecretRecord, detail: Detail) throws -> JSONValue {
        Self.secret(record, values: [:], owner: try user(id: record.userID), detail: detail)
    }
}
