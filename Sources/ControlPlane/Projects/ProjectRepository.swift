import Storage

/// Where projects are kept. A name is unique by the table's constraint, so two writers
/// racing for one name get one project and one `alreadyExists`.
protocol ProjectRepository: Sendable {
    /// Makes a project; returns its id.
    func create(name: String, displayName: String, description: String) async throws -> String
    /// Changes the project `nameOrID` (nil fields stay); returns its id.
    func update(_ nameOrID: String, name: String?, displayName: String?, description: String?) async throws -> String
    /// Removes the project `nameOrID` with its pipelines, snapshots and logs; refused for
    /// `default` and for a project that still holds runs, artifacts or models.
    func delete(_ nameOrID: String) async throws
    /// The id of the project `nameOrID`, or ZenML's not-found error.
    func id(of nameOrID: String) async throws -> String
}

extension ProjectRepository {
    /// A taken project name, as every engine says it.
    static func taken(_ name: String) -> ControlPlaneError {
        .alreadyExists("A project named '\(name)' already exists.")
    }
}
