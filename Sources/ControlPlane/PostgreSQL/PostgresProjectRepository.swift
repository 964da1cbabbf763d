import PostgresNIO
import Storage

/// `ProjectRepository` on PostgreSQL's `projects` table.
struct PostgresProjectRepository: ProjectRepository {
    let store: PostgresStore

    func id(of nameOrID: String) async throws -> String {
        try await store.read { session in try await session.projectID(nameOrID) }
    }

    func create(name: String, displayName: String, description: String) async throws -> String {
        let id = String.newID(), now = Timestamp.now()
        do {
            try await store.write { session in
                try await session.execute("""
                    INSERT INTO projects (id, name, display_name, description, created, updated)
                    VALUES (\(id), \(name), \(displayName), \(description), \(now), \(now))
                    """)
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "projects") {
            throw Self.taken(name)
        }
        return id
    }

    func update(_ nameOrID: String, name: String?, displayName: String?, description: String?) async throws -> String {
        do {
            return try await store.write { session in
                let id = try await session.projectID(nameOrID)
                try await session.execute("""
                    UPDATE projects SET name = COALESCE(\(name), name), display_name = COALESCE(\(displayName), display_name),
                    description = COALESCE(\(description), description), updated = \(Timestamp.now()) WHERE id = \(id)
                    """)
                return id
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "projects") {
            throw Self.taken(name ?? "")
        }
    }

    func delete(_ nameOrID: String) async throws {
        try await store.write { session in
            let id = try await session.projectID(nameOrID)
            if try await session.value("SELECT name FROM projects WHERE id = \(id) FOR UPDATE", as: String.self) == "default" {
                throw ControlPlaneError.forbidden("The default project cannot be deleted.")
            }
            for table in ["pipeline_runs", "artifacts", "models"] {
                if try await session.value("SELECT COUNT(*) FROM \(unescaped: table) WHERE project_id = \(id)", as: Int64.self) ?? 0 > 0 {
                    throw ControlPlaneError.forbidden("The project still holds runs, artifacts or models; delete them first.")
                }
            }
            for table in ["logs", "pipeline_snapshots", "pipelines"] {
                try await session.execute("DELETE FROM \(unescaped: table) WHERE project_id = \(id)")
            }
            try await session.execute("DELETE FROM projects WHERE id = \(id)")
        }
    }
}
