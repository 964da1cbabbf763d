import GRDB

extension WireRenderer {
    func flavor(_ row: Row, detail: Detail) throws -> JSONValue {
        let body: JSONValue = [
            "created": .string(row["created"]), "updated": .string(row["updated"]), "user_id": .optional(row["user_id"] as String?),
            "type": .string(row["type"]), "display_name": .string(row["display_name"]), "integration": .string(row["integration"]),
            "source": .string(row["source"]), "logo_url": nil, "is_custom": .bool(row["is_custom"]),
        ]
        return try entity(id: row["id"], name: .string(row["name"]), body: body, detail: detail, metadata: {
            ["config_schema": JSONValue.parseStored(row["config_schema"]), "connector_type": nil, "connector_resource_type": nil,
             "connector_resource_id_attr": nil, "docs_url": .optional(row["docs_url"] as String?),
             "sdk_docs_url": .optional(row["sdk_docs_url"] as String?)]
        }, resources: { ["user": try user(id: row["user_id"])] })
    }

    func component(_ row: Row, detail: Detail) throws -> JSONValue {
        let flavorRow = try Row.fetchOne(db, sql: "SELECT * FROM flavors WHERE name = ? AND type = ?", arguments: [row["flavor"], row["type"]])
        let body: JSONValue = [
            "created": .string(row["created"]), "updated": .string(row["updated"]), "user_id": .optional(row["user_id"] as String?),
            "type": .string(row["type"]), "flavor_name": .string(row["flavor"]),
            "integration": .optional(flavorRow?["integration"] as String?), "logo_url": nil,
        ]
        return try entity(id: row["id"], name: .string(row["name"]), body: body, detail: detail, metadata: {
            ["configuration": JSONValue.parseStored(row["configuration"]), "environment": JSONValue.parseStored(row["environment"]),
             "secrets": JSONValue.parseStored(row["secrets"]), "labels": JSONValue.parseStored(row["labels"]),
             "connector_resource_id": .optional(row["connector_resource_id"] as String?), "connector": nil]
        }, resources: {
            ["user": try user(id: row["user_id"]), "flavor": try flavorRow.map { try flavor($0, detail: .nested) } ?? .null]
        })
    }

    func stack(_ row: Row, detail: Detail) throws -> JSONValue {
        let body: JSONValue = ["created": .string(row["created"]), "updated": .string(row["updated"]), "user_id": .optional(row["user_id"] as String?)]
        return try entity(id: row["id"], name: .string(row["name"]), body: body, detail: detail, metadata: {
            var components: JSONValue = [:]
            let rows = try Row.fetchAll(db, sql: """
                SELECT c.* FROM stack_components c JOIN stack_composition s ON s.component_id = c.id
                WHERE s.stack_id = ? ORDER BY c.type, c.created
                """, arguments: [row["id"]])
            for componentRow in rows {
                let type: String = componentRow["type"]
                let rendered = try component(componentRow, detail: .nested)
                components[type] = .array((components[type]?.arrayValue ?? []) + [rendered])
            }
            return ["components": components, "description": .string(row["description"]),
                    "stack_spec_path": .optional(row["stack_spec_path"] as String?),
                    "environment": JSONValue.parseStored(row["environment"]), "secrets": JSONValue.parseStored(row["secrets"]),
                    "labels": JSONValue.parseStored(row["labels"])]
        }, resources: { ["user": try user(id: row["user_id"])] })
    }
}
