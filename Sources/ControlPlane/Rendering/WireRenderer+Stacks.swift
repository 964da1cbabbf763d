extension WireRenderer {
    func flavor(_ record: FlavorRecord, detail: Detail) throws -> JSONValue {
        let body: JSONValue = [
            "created": .string(record.created), "updated": .string(record.updated), "user_id": .optional(record.userID),
            "type": .string(record.type), "display_name": .string(record.displayName), "integration": .string(record.integration),
            "source": .string(record.source), "logo_url": nil, "is_custom": .bool(record.isCustom),
        ]
        return try entity(id: record.id, name: .string(record.name), body: body, detail: detail, metadata: {
            ["config_schema": JSONValue.parseStored(record.configSchema), "connector_type": nil, "connector_resource_type": nil,
             "connector_resource_id_attr": nil, "docs_url": .optional(record.docsURL),
             "sdk_docs_url": .optional(record.sdkDocsURL)]
        }, resources: { ["user": try user(id: record.userID)] })
    }

    func component(_ record: StackComponentRecord, detail: Detail) throws -> JSONValue {
        let flavorRecord = try (relations.flavors.lookup(RelationKey(group: record.type, id: record.flavor)) ?? nil).map(FlavorRecord.init)
        let body: JSONValue = [
            "created": .string(record.created), "updated": .string(record.updated), "user_id": .optional(record.userID),
            "type": .string(record.type), "flavor_name": .string(record.flavor),
            "integration": .optional(flavorRecord?.integration), "logo_url": nil,
        ]
        return try entity(id: record.id, name: .string(record.name), body: body, detail: detail, metadata: {
            ["configuration": JSONValue.parseStored(record.configuration), "environment": JSONValue.parseStored(record.environment),
             "secrets": JSONValue.parseStored(record.secrets), "labels": JSONValue.parseStored(record.labels),
             "connector_resource_id": .optional(record.connectorResourceID), "connector": nil]
        }, resources: {
            ["user": try user(id: record.userID), "flavor": try flavorRecord.map { try flavor($0, detail: .nested) } ?? .null]
        })
    }

    func stack(_ record: StackRecord, detail: Detail) throws -> JSONValue {
        let body: JSONValue = ["created": .string(record.created), "updated": .string(record.updated), "user_id": .optional(record.userID)]
        return try entity(id: record.id, name: .string(record.name), body: body, detail: detail, metadata: {
            var components: JSONValue = [:]
            let rows = relations.stackComponents.lookup(record.id) ?? []
            for componentRow in rows {
                let stored = try StackComponentRecord(componentRow)
                let rendered = try component(stored, detail: .nested)
                components[stored.type] = .array((components[stored.type]?.arrayValue ?? []) + [rendered])
            }
            return ["components": components, "description": .string(record.description),
                    "stack_spec_path": .optional(record.stackSpecPath),
                    "environment": JSONValue.parseStored(record.environment), "secrets": JSONValue.parseStored(record.secrets),
                    "labels": JSONValue.parseStored(record.labels)]
        }, resources: { ["user": try user(id: record.userID)] })
    }
}
