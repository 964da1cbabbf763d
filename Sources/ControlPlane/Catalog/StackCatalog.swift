import Storage

/// A stack component as the dashboard shows it.
public struct ComponentView: Sendable {
    public let id: String
    public let name: String
    public let type: String
    public let flavor: String
    /// The component's configuration as stored (JSON text; secrets are referenced, never inlined).
    public let configuration: String
}

/// A stack with its components.
public struct StackView: Sendable {
    public let id: String
    public let name: String
    public let description: String
    public let components: [ComponentView]
}

/// What the dashboard reads of ZenML's stacks; the control plane keeps the tables.
public protocol StackCatalog: Sendable {
    /// Every stack with its components (stacks are few), by name.
    func stacks() async throws -> [StackView]
    /// Every component, by type and name.
    func components() async throws -> [ComponentView]
}
