extension WireRenderer {
    func flavor(_ row: StoredRow, detail: Detail) throws -> JSONValue {
        let body: JSONValue = [
            "created": .string((try row.decode(forColumn: "created"))), "updated": .string((try row.decode(forColumn: "updated"))), "user_id": .optional(try row.decode(String?.self, forColumn: "user_id")),
            "type": .string((try row.decode(forColumn: "type"))), "display_name": .string((try row.decode(forColumn: "display_name"))), "integration": .string((try row.decode(forColumn: "integration"))),
            "source": .string((try row.decode(forColumn: "source"))), "logo_url": nil, "is_custom": .bool((try row.decode(forColumn: "is_custom"))),
        ]
        return try entity(id: (try row.decode(forColumn: "id")), name: .string((try row.decode(forColumn: "name"))), body: body, detail: detail, metadata: {
            ["config_schema": JSONValue.parseStored((try row.decode(forColumn: "config_schema"))), "connector_type": nil, "connector_resource_type": nil,
             "connector_resource_id_attr": nil, "docs_url": .optional(try row.decode(String?.self, forColumn: "docs_url")),
             "sdk_docs_url": .optional(try row.decode(String?.self, forColumn: "sdk_docs_url"))]
        }, resources: { ["user": try user(id: (try row.decode(forColumn: "user_id")))] })
    }

    func component(_ row: StoredRow, detail: Detail) throws -> JSONValue {
        let flavorRow = relations.flavors.lookup(RelationKey(group: try row.decode(forColumn: "type"), id: try row.decode(forColumn: "flavor"))) ?? nil
        let body: JSONValue = [
            "created": .string((try row.decode(forColumn: "created"))), "updated": .string((try row.decode(forColumn: "updated"))), "user_id": .optional(try row.decode(String?.self, forColumn: "user_id")),
            "type": .string((try row.decode(forColumn: "type"))), "flavor_name": .string((try row.decode(forColumn: "flavor"))),
            "integration": .optional(flavorRow?["integration"] as String?), "logo_url": nil,
        ]
        return try entity(id: (try row.decode(forColumn: "id")), name: .string((try row.decode(forColumn: "name"))), body: body, detail: detail, metadata: {
            ["configuration": JSONValue.parseStored((try row.decode(forColumn: "configuration"))), "environment": JSONValue.parseStored((try row.decode(forColumn: "environment"))),
             "secrets": JSONValue.parseStored((try row.decode(forColumn: "secrets"))), "labels": JSONValue.parseStored((try row.decode(forColumn: "labels"))),
             "connector_resource_id": .optional(try row.decode(String?.self, forColumn: "connector_resource_id")), "connector": nil]
        }, resources: {
            ["user": try user(id: (try row.decode(forColumn: "user_id"))), "flavor": try flavorRow.map { try flavor($0, detail: .nested) } ?? .null]
        })
    }

    func stack(_ row: StoredRow, detail: Detail) throws -> JSONValue {
        let body: JSONValue = ["created": .string((try row.decode(forColumn: "created"))), "updated": .string((try row.decode(forColumn: "updated"))), "user_id": .optional(try row.decode(String?.self, forColumn: "user_id"))]
        return try entity(id: (try row.decode(forColumn: "id")), name: .string((try row.decode(forColumn: "name"))), body: body, detail: detail, metadata: {
            var components: JSONValue = [:]
            let rows = relations.stackComponents.lookup(try row.decode(forColumn: "id")) ?? []
            for componentRow in rows {
                let type: String = (try componentRow.decode(forColumn: "type"))
                let rendered = try component(componentRow, detail: .nested)
                components[type] = .array((components[type]?.arrayValue ?? []) + [rendered])
            }
            return ["components": components, "description": .string((try row.decode(forColumn: "description"))),
                    "stack_spec_path": .optional(try row.decode(String?.self, forColumn: "stack_spec_path")),
                    "environment": JSONValue.parseStored((try row.decode(forColumn: "environment"))), "secrets": JSONValue.parseStored((try row.decode(forColumn: "secrets"))),
                    "labels": JSONValue.parseStored((try row.decode(forColumn: "labels")))]
        }, resources: { ["user": try user(id: (try row.decode(forColumn: "user_id")))] })
    }
}
