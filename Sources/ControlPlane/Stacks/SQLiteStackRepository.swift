import GRDB
@_spi(SQLiteImplementation) import Storage

/// `StackRepository` on the control plane's `stacks`, `stack_components` and
/// `stack_composition` tables.
struct SQLiteStackRepository: StackRepository {
    let store: StateStore

    func createStack(_ fields: StackFields, userID: String) async throws -> String {
        let id = String.newID(), now = Timestamp.now(), name = fields.name ?? "", description = fields.description ?? ""
        let environment: String = (fields.environment ?? JSONValue.object([:])).text
        let labels: String = (fields.labels ?? JSONValue.object([:])).text
        let secrets: String = JSONValue.array(fields.secrets ?? []).text
        let values: [DatabaseValueConvertible?] = [id, name, description, fields.specPath, environment, secrets, labels, userID, now, now]
        let arguments = StatementArguments(values)
        let components = fields.components ?? []
        do {
            try await store.database.guardedWrite { db in
                try db.execute(sql: """
                    INSERT INTO stacks (id, name, description, stack_spec_path, environment, secrets, labels, user_id, created, updated)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: arguments)
                try Self.compose(id, of: components, db: db)
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "stacks") {
            throw Self.stackTaken(name)
        }
        return id
    }

    func updateStack(id: String, _ change: StackFields) async throws {
        let arguments = Self.changed([change.name, change.description, change.environment?.text, change.labels?.text], id)
        do {
            try await store.database.guardedWrite { db in
                guard let current = try String.fetchOne(db, sql: "SELECT name FROM stacks WHERE id = ?", arguments: [id]) else {
                    throw Self.noStack(id)
                }
                if current == "default", (change.name != nil && change.name != "default") || change.components != nil {
                    throw ControlPlaneError.forbidden("The default stack cannot be renamed or recomposed.")
                }
                if let components = change.components {
                    try db.execute(sql: "DELETE FROM stack_composition WHERE stack_id = ?", arguments: [id])
                    try Self.compose(id, of: components, db: db)
                }
                try db.execute(sql: """
                    UPDATE stacks SET name = COALESCE(?, name), description = COALESCE(?, description),
                    environment = COALESCE(?, environment), labels = COALESCE(?, labels), updated = ? WHERE id = ?
                    """, arguments: arguments)
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "stacks") {
            throw Self.stackTaken(change.name ?? "")
        }
    }

    func deleteStack(id: String) async throws {
        try await store.database.guardedWrite { db in
            guard let name = try String.fetchOne(db, sql: "SELECT name FROM stacks WHERE id = ?", arguments: [id]) else { throw Self.noStack(id) }
            if name == "default" { throw ControlPlaneError.forbidden("The default stack cannot be deleted.") }
            try db.execute(sql: "DELETE FROM stacks WHERE id = ?", arguments: [id])
        }
    }

    func createComponent(_ fields: ComponentFields, userID: String) async throws -> String {
        let id = String.newID(), now = Timestamp.now()
        let name = fields.name ?? "", type = fields.type ?? "", flavor = fields.flavor ?? ""
        let configuration: String = (fields.configuration ?? JSONValue.object([:])).text
        let environment: String = (fields.environment ?? JSONValue.object([:])).text
        let secrets: String = JSONValue.array(fields.secrets ?? []).text
        let labels: String? = fields.labels?.text
        let values: [DatabaseValueConvertible?] = [id, name, type, flavor, configuration, environment, secrets, labels,
                                                   fields.connectorResourceID, userID, now, now]
        let arguments = StatementArguments(values)
        do {
            try await store.database.guardedWrite { db in
                guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM flavors WHERE name = ? AND type = ?", arguments: [flavor, type]) ?? 0 > 0 else {
                    throw ControlPlaneError.notFound("Flavor '\(flavor)' for stack component type '\(type)' does not exist.")
                }
                try db.execute(sql: """
                    INSERT INTO stack_components (id, name, type, flavor, configuration, environment, secrets, labels, connector_resource_id, user_id, created, updated)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: arguments)
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "stack_components") {
            throw ControlPlaneError.alreadyExists("A \(type) named '\(name)' already exists.")
        }
        return id
    }

    func updateComponent(id: String, _ change: ComponentFields) async throws {
        let arguments = Self.changed([change.name, change.configuration?.text, change.environment?.text, change.labels?.text], id)
        try await store.database.guardedWrite { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT name, type FROM stack_components WHERE id = ?", arguments: [id]) else {
                throw Self.noComponent(id)
            }
            let current: String = try row.decode(forColumn: "name"), type: String = try row.decode(forColumn: "type")
            if let name = change.name, name != current, current == "default" {
                throw ControlPlaneError.forbidden("The default stack components cannot be renamed.")
            }
            do {
                try db.execute(sql: """
                    UPDATE stack_components SET name = COALESCE(?, name), configuration = COALESCE(?, configuration),
                    environment = COALESCE(?, environment), labels = COALESCE(?, labels), updated = ? WHERE id = ?
                    """, arguments: arguments)
            } catch let error where ConstraintViolation(error) == .duplicate(table: "stack_components") {
                throw ControlPlaneError.alreadyExists("A \(type) named '\(change.name ?? "")' already exists.")
            }
        }
    }

    func deleteComponent(id: String) async throws {
        try await store.database.guardedWrite { db in
            guard let name = try String.fetchOne(db, sql: "SELECT name FROM stack_components WHERE id = ?", arguments: [id]) else {
                throw Self.noComponent(id)
            }
            if name == "default" { throw ControlPlaneError.forbidden("The default stack components cannot be deleted.") }
            if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM stack_composition WHERE component_id = ?", arguments: [id]) ?? 0 > 0 {
                throw ControlPlaneError.forbidden("Stack component '\(name)' is part of a stack; remove it from the stack first.")
            }
            try db.execute(sql: "DELETE FROM stack_components WHERE id = ?", arguments: [id])
        }
    }

    /// Puts `components` into stack `id`: each must exist and be of the type it is listed under.
    static func compose(_ id: String, of components: [(type: String, id: String)], db: Database) throws {
        for component in components {
            guard let actual = try String.fetchOne(db, sql: "SELECT type FROM stack_components WHERE id = ?", arguments: [component.id]) else {
                throw ControlPlaneError.notFound("Unable to get stack component with ID '\(component.id)': No stack component with this ID found.")
            }
            guard actual == component.type else { throw ControlPlaneError.invalid("Component '\(component.id)' is a \(actual), not a \(component.type).") }
            try db.execute(sql: "INSERT INTO stack_composition (stack_id, component_id) VALUES (?, ?)", arguments: [id, component.id])
        }
    }

    /// An update's arguments: the changed values (nil keeps the column), the time, the id.
    static func changed(_ values: [String?], _ id: String) -> StatementArguments {
        StatementArguments(values.map { $0 as DatabaseValueConvertible? } + [Timestamp.now(), id])
    }
}
