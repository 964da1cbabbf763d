import Storage

/// Where stacks, their components and which component is in which stack are kept. Names are
/// unique by constraint (a stack's name; a component's name within its type); stack and
/// components `default` cannot be renamed away, recomposed or deleted.
protocol StackRepository: Sendable {
    /// Makes a stack of existing components of the types they are listed under; returns its id.
    func createStack(_ fields: StackFields, userID: String) async throws -> String
    /// Changes a stack (and its components, when given).
    func updateStack(id: String, _ change: StackFields) async throws
    /// Removes a stack (its components stay).
    func deleteStack(id: String) async throws
    /// Makes a component of a known flavor; returns its id.
    func createComponent(_ fields: ComponentFields, userID: String) async throws -> String
    /// Changes a component's name, configuration, environment or labels.
    func updateComponent(id: String, _ change: ComponentFields) async throws
    /// Removes a component that no stack holds.
    func deleteComponent(id: String) async throws
}

extension StackRepository {
    /// The errors every engine answers with, in ZenML's words.
    static func stackTaken(_ name: String) -> ControlPlaneError { .alreadyExists("A stack named '\(name)' already exists.") }
    static func noStack(_ id: String) -> ControlPlaneError { .notFound("Unable to get stack with ID '\(id)': No stack with this ID found.") }
    static func noComponent(_ id: String) -> ControlPlaneError {
        .notFound("Unable to get stack component with ID '\(id)': No stack component with this ID found.")
    }
}
