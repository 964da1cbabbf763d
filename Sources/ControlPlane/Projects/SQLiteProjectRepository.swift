import GRDB
@_spi(SQLiteImplementation) import Storage

/// `ProjectRepository` on the control plane's `projects` table.
struct SQLiteProjectRepository: ProjectRepository {
    let store: StateStore

    func id(of nameOrID: String) async throws -> String {
        try await store.database.read { db in try ProjectLookup.id(of: nameOrID, db: db) }
    }

    func create(name: String, displayName: String, description: String) async throws -> String {
        let id = String.newID(), now = Timestamp.now()
        do {
            try await store.database.guardedWrite { db in
                try db.execute(sql: "INSERT INTO projects (id, name, display_name, description, created, updated) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [id, name, displayName, description, now, now])
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "projects") {
            throw Self.taken(name)
        }
        return id
    }

    func update(_ nameOrID: String, name: String?, displayName: String?, description: String?) async throws -> String {
        do {
            return try await store.database.guardedWrite { db -> String in
                let id = try ProjectLookup.id(of: nameOrID, db: db)
                try db.execute(sql: """
                    UPDATE projects SET name = COALESCE(?, name), display_name = COALESCE(?, display_name),
                    description = COALESCE(?, description), updated = ? WHERE id = ?
                    """, arguments: [name, displayName, description, Timestamp.now(), id])
                return id
            }
        } catch let error where ConstraintViolation(error) == .duplicate(table: "projects") {
            throw Self.taken(name ?? "")
        }
    }

    func delete(_ nameOrID: String) async throws {
        try await store.database.guardedWrite { db in
            let id = try ProjectLookup.id(of: nameOrID, db: db)
            if try String.fetchOne(db, sql: "SELECT name FROM projects WHERE id = ?", arguments: [id]) == "default" {
                throw ControlPlaneError.forbidden("The default project cannot be deleted.")
            }
            for table in ["pipeline_runs", "artifacts", "models"] {
                if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE project_id = ?", arguments: [id]) ?? 0 > 0 {
                    throw ControlPlaneError.forbidden("The project still holds runs, artifacts or models; delete them first.")
                }
            }
            for table in ["logs", "pipeline_snapshots", "pipelines", "projects"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE \(table == "projects" ? "id" : "project_id") = ?", arguments: [id])
            }
        }
    }
}
