import PostgresNIO
import Storage

/// `StackRepository` on PostgreSQL's `stacks`, `stack_components` and `stack_composition` tables.
struct PostgresStackRepository: StackRepository {
    let store: PostgresStore

    func createStack(_ fields: StackFields, userID: String) async throws -> String {
        let id = String.newID(), now = Timestamp.now(), name = fields.name ?? "", description = fields.description ?? ""
        let environment = (fields.environment ?? JSONValue.object([:])).text, labels = (fields.labels ?? JSONValue.object([:])).text
        let secrets = JSONValue.array(fields.secrets ?? []).text
        do {
            try await store.write { session in
                try await session.execute("""
                    INSERT INTO stacks (id, name, description, stack_spec_path, environment, secrets, labels, user_id, created, updated)
                    VALUES (\(id), \(name), \(description), \(fields.specPath), \(environment), \(secrets), \(labels), \(userID), \(now), \(now))
                    """)
                try await Self.compose(id, of: fields.components ?? [], session)
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "stacks") {
            throw Self.stackTaken(name)
        }
        return id
    }

    func updateStack(id: String, _ change: StackFields) async throws {
        do {
            try await store.write { session in
                guard let current = try await session.value("SELECT name FROM stacks WHERE id = \(id) FOR UPDATE", as: String.self) else {
                    throw Self.noStack(id)
                }
                if current == "default", (change.name != nil && change.name != "default") || change.components != nil {
                    throw ControlPlaneError.forbidden("The default stack cannot be renamed or recomposed.")
                }
                if let components = change.components {
                    try await session.execute("DELETE FROM stack_composition WHERE stack_id = \(id)")
                    try await Self.compose(id, of: components, session)
                }
                try await session.execute("""
                    UPDATE stacks SET name = COALESCE(\(change.name), name), description = COALESCE(\(change.description), description),
                    environment = COALESCE(\(change.environment?.text), environment), labels = COALESCE(\(change.labels?.text), labels),
                    updated = \(Timestamp.now()) WHERE id = \(id)
                    """)
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "stacks") {
            throw Self.stackTaken(change.name ?? "")
        }
    }

    func deleteStack(id: String) async throws {
        try await store.write { session in
            guard let name = try await session.value("SELECT name FROM stacks WHERE id = \(id) FOR UPDATE", as: String.self) else {
                throw Self.noStack(id)
            }
            if name == "default" { throw ControlPlaneError.forbidden("The default stack cannot be deleted.") }
            try await session.execute("DELETE FROM stacks WHERE id = \(id)")
        }
    }

    func createComponent(_ fields: ComponentFields, userID: String) async throws -> String {
        let id = String.newID(), now = Timestamp.now()
        let name = fields.name ?? "", type = fields.type ?? "", flavor = fields.flavor ?? ""
        let configuration = (fields.configuration ?? JSONValue.object([:])).text, environment = (fields.environment ?? JSONValue.object([:])).text
        let secrets = JSONValue.array(fields.secrets ?? []).text, labels = fields.labels?.text
        do {
            try await store.write { session in
                guard try await session.value("SELECT COUNT(*) FROM flavors WHERE name = \(flavor) AND type = \(type)", as: Int64.self) ?? 0 > 0 else {
                    throw ControlPlaneError.notFound("Flavor '\(flavor)' for stack component type '\(type)' does not exist.")
                }
                try await session.execute("""
                    INSERT INTO stack_components (id, name, type, flavor, configuration, environment, secrets, labels, connector_resource_id,
                        user_id, created, updated)
                    VALUES (\(id), \(name), \(type), \(flavor), \(configuration), \(environment), \(secrets), \(labels), \(fields.connectorResourceID),
                        \(userID), \(now), \(now))
                    """)
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "stack_components") {
            throw ControlPlaneError.alreadyExists("A \(type) named '\(name)' already exists.")
        }
        return id
    }

    func updateComponent(id: String, _ change: ComponentFields) async throws {
        var type = ""
        do {
            try await store.write { session in
                guard let row = try await session.row("SELECT name, type FROM stack_components WHERE id = \(id) FOR UPDATE") else {
                    throw Self.noComponent(id)
                }
                let current: String = try row.decode(forColumn: "name")
                type = try row.decode(forColumn: "type")
                if let name = change.name, name != current, current == "default" {
                    throw ControlPlaneError.forbidden("The default stack components cannot be renamed.")
                }
                try await session.execute("""
                    UPDATE stack_components SET name = COALESCE(\(change.name), name), configuration = COALESCE(\(change.configuration?.text), configuration),
                    environment = COALESCE(\(change.environment?.text), environment), labels = COALESCE(\(change.labels?.text), labels),
                    updated = \(Timestamp.now()) WHERE id = \(id)
                    """)
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "stack_components") {
            throw ControlPlaneError.alreadyExists("A \(type) named '\(change.name ?? "")' already exists.")
        }
    }

    func deleteComponent(id: String) async throws {
        try await store.write { session in
            guard let name = try await session.value("SELECT name FROM stack_components WHERE id = \(id) FOR UPDATE", as: String.self) else {
                throw Self.noComponent(id)
            }
            if name == "default" { throw ControlPlaneError.forbidden("The default stack components cannot be deleted.") }
            if try await session.value("SELECT COUNT(*) FROM stack_composition WHERE component_id = \(id)", as: Int64.self) ?? 0 > 0 {
                throw ControlPlaneError.forbidden("Stack component '\(name)' is part of a stack; remove it from the stack first.")
            }
            try await session.execute("DELETE FROM stack_components WHERE id = \(id)")
        }
    }

    /// Puts `components` into stack `id`: each must exist and be of the type it is listed under.
    static func compose(_ id: String, of components: [(type: String, id: String)], _ session: PostgresSession) async throws {
        for component in components {
            guard let actual = try await session.value("SELECT type FROM stack_components WHERE id = \(component.id) FOR SHARE", as: String.self) else {
                throw ControlPlaneError.notFound("Unable to get stack component with ID '\(component.id)': No stack component with this ID found.")
            }
            guard actual == component.type else { throw ControlPlaneError.invalid("Component '\(component.id)' is a \(actual), not a \(component.type).") }
            try await session.execute("INSERT INTO stack_composition (stack_id, component_id) VALUES (\(id), \(component.id))")
        }
    }
}
