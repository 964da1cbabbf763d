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
}
