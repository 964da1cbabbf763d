/// A stored project. One row of `projects`, typed.
struct ProjectRecord: StoredRecord {
    static let table = "projects"
    let id: String
    let name: String
    let displayName: String
    let description: String
    let projectMetadata: String
    let created: String
    let updated: String

    init(_ row: StoredRow) throws {
        id = try row.decode(forColumn: "id")
        name = try row.decode(forColumn: "name")
        displayName = try row.decode(forColumn: "display_name")
        description = try row.decode(forColumn: "description")
        projectMetadata = try row.decode(forColumn: "project_metadata")
        created = try row.decode(forColumn: "created")
        updated = try row.decode(forColumn: "updated")
    }
}

/// A stored stack (its components are a relation). One row of `stacks`, typed.
struct StackRecord: StoredRecord {
    static let table = "stacks"
    let id: String
    let name: String
    let description: String
    let stackSpecPath: String?
    let environment: String
    let secrets: String
    let labels: String
    let userID: String?
    let created: String
    let updated: String

    init(_ row: StoredRow) throws {
        id = try row.decode(forColumn: "id")
        name = try row.decode(forColumn: "name")
        description = try row.decode(forColumn: "description")
        stackSpecPath = try row.decode(forColumn: "stack_spec_path")
        environment = try row.decode(forColumn: "environment")
        secrets = try row.decode(forColumn: "secrets")
        labels = try row.decode(forColumn: "labels")
        userID = try row.decode(forColumn: "user_id")
        created = try row.decode(forColumn: "created")
        updated = try row.decode(forColumn: "updated")
    }
}

/// A stored stack component. One row of `stack_components`, typed.
struct StackComponentRecord: StoredRecord {
    static let table = "stack_components"
    let id: String
    let name: String
    let type: String
    let flavor: String
    let configuration: String
    let environment: String
    let secrets: String
    let labels: String?
    let connectorResourceID: String?
    let userID: String?
    let created: String
    let updated: String

    init(_ row: StoredRow) throws {
        id = try row.decode(forColumn: "id")
        name = try row.decode(forColumn: "name")
        type = try row.decode(forColumn: "type")
        flavor = try row.decode(forColumn: "flavor")
        configuration = try row.decode(forColumn: "configuration")
        environment = try row.decode(forColumn: "environment")
        secrets = try row.decode(forColumn: "secrets")
        labels = try row.decode(forColumn: "labels")
        connectorResourceID = try row.decode(forColumn: "connector_resource_id")
        userID = try row.decode(forColumn: "user_id")
        created = try row.decode(forColumn: "created")
        updated = try row.decode(forColumn: "updated")
    }
}

/// A stored flavor of stack component, built in or registered. One row of `flavors`, typed.
struct FlavorRecord: StoredRecord {
    static let table = "flavors"
    let id: String
    let name: String
    let type: String
    let displayName: String
    let source: String
    let integration: String
    let configSchema: String
    let docsURL: String?
    let sdkDocsURL: String?
    let isCustom: Bool
    let userID: String?
    let created: String
    let updated: String

    init(_ row: StoredRow) throws {
        id = try row.decode(forColumn: "id")
        name = try row.decode(forColumn: "name")
        type = try row.decode(forColumn: "type")
        displayName = try row.decode(forColumn: "display_name")
        source = try row.decode(forColumn: "source")
        integration = try row.decode(forColumn: "integration")
        configSchema = try row.decode(forColumn: "config_schema")
        docsURL = try row.decode(forColumn: "docs_url")
        sdkDocsURL = try row.decode(forColumn: "sdk_docs_url")
        isCustom = try row.decode(forColumn: "is_custom")
        userID = try row.decode(forColumn: "user_id")
        created = try row.decode(forColumn: "created")
        updated = try row.decode(forColumn: "updated")
    }
}
