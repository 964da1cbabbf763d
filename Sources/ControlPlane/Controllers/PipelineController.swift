import GRDB
import Hummingbird
import Storage

/// `/pipelines` and `/pipeline_snapshots`: a pipeline is a name in a project; a
/// snapshot is one compiled version of it, whose configuration the client sends as
/// opaque JSON and later runs its steps from, so it is returned as sent.
struct PipelineController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints

    static var schema: ResourceSchema {
        ResourceSchema(table: "pipelines", noun: "pipeline", projectScoped: true, fields: [
            "name": ("t.name", .string), "user_id": ("t.user_id", .uuid),
        ], custom: [
            "latest_run_status": { value in
                let (op, text) = ListQuery.split(value)
                guard op == "equals" else { throw ListQuery.bad("latest_run_status", "Only equality is supported here") }
                return SQLCondition(sql: "(SELECT status FROM pipeline_runs r WHERE r.pipeline_id = t.id ORDER BY r.created DESC LIMIT 1) = ?",
                                    arguments: [text.databaseValue])
            },
            "tags": TagFilter.rule(.pipeline),
        ])
    }

    static var snapshotSchema: ResourceSchema {
        ResourceSchema(table: "pipeline_snapshots", noun: "snapshot", projectScoped: true, fields: [
            "name": ("t.name", .string), "user_id": ("t.user_id", .uuid), "pipeline_id": ("t.pipeline_id", .uuid),
            "stack_id": ("t.stack_id", .uuid),
        ], custom: [
            "pipeline": { value in
                SQLCondition(sql: "t.pipeline_id IN (SELECT id FROM pipelines WHERE id = ? OR name = ?)",
                             arguments: [value.lowercased().databaseValue, value.databaseValue])
            },
            "stack": { value in
                SQLCondition(sql: "t.stack_id IN (SELECT id FROM stacks WHERE id = ? OR name = ?)",
                             arguments: [value.lowercased().databaseValue, value.databaseValue])
            },
            "named_only": { value in try ListQuery.boolean("named_only", value) ? SQLCondition(sql: "t.name IS NOT NULL", arguments: []) : nil },
            "tags": TagFilter.rule(.pipelineSnapshot),
        ])
    }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("pipelines", use: list)
        group.post("pipelines", use: create)
        group.get("pipelines/:id", use: get)
        group.put("pipelines/:id", use: update)
        group.delete("pipelines/:id", use: delete)
        group.get("pipeline_snapshots", use: listSnapshots)
        group.post("pipeline_snapshots", use: createSnapshot)
        group.get("pipeline_snapshots/:id", use: getSnapshot)
        group.delete("pipeline_snapshots/:id", use: deleteSnapshot)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.list(request, Self.schema) { try $0.pipeline($1, detail: $2) }
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.get(request, context, table: "pipelines", noun: "pipeline") { try $0.pipeline($1, detail: $2) }
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { principal in
            let name = try fields.name()
            let project = try fields.requiredString("project")
            let description = try fields.string("description")
            let id = String.newID()
            try await endpoints.store.pool.write { db in
                let projectID = try ProjectLookup.id(of: project, db: db)
                let now = Timestamp.now()
                do {
                    try db.execute(sql: "INSERT INTO pipelines (id, project_id, name, description, user_id, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                   arguments: [id, projectID, name, description, principal.userID, now, now])
                } catch where ConstraintViolation(error) == .duplicate(table: "pipelines") {
                    throw ControlPlaneError.alreadyExists("A pipeline named '\(name)' already exists in this project.")
                }
                try TagLinks.apply(fields, kind: .pipeline, id: id, userID: principal.userID, db: db, keys: ("tags", nil))
            }
            return try await endpoints.render("pipelines", id: id, noun: "pipeline") { try $0.pipeline($1, detail: $2) }
        }
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { principal in
            let description = try fields.string("description")
            try await endpoints.store.pool.write { db in
                _ = try WireRenderer(db: db).row("pipelines", id: id, noun: "pipeline")
                try db.execute(sql: "UPDATE pipelines SET description = COALESCE(?, description), updated = ? WHERE id = ?",
                               arguments: [description, Timestamp.now(), id])
                try TagLinks.apply(fields, kind: .pipeline, id: id, userID: principal.userID, db: db)
            }
            return try await endpoints.render("pipelines", id: id, noun: "pipeline") { try $0.pipeline($1, detail: $2) }
        }
    }

    /// Deletes a pipeline with its snapshots and runs (their steps and links go with them).
    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { _ in
            try await endpoints.store.pool.write { db in
                _ = try WireRenderer(db: db).row("pipelines", id: id, noun: "pipeline")
                try SQLiteRunRepository.deleteRuns(where: "pipeline_id = ?", id, db: db)
                try TagLinks.forget(.pipelineSnapshot, ids: try String.fetchAll(db, sql: "SELECT id FROM pipeline_snapshots WHERE pipeline_id = ?", arguments: [id]), db: db)
                try db.execute(sql: "DELETE FROM pipeline_snapshots WHERE pipeline_id = ?", arguments: [id])
                try TagLinks.forget(.pipeline, ids: [id], db: db)
                try db.execute(sql: "DELETE FROM pipelines WHERE id = ?", arguments: [id])
            }
            return nil
        }
    }

    @Sendable func listSnapshots(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.list(request, Self.snapshotSchema) { try $0.snapshot($1, detail: $2) }
    }

    @Sendable func getSnapshot(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.get(request, context, table: "pipeline_snapshots", noun: "snapshot") { try $0.snapshot($1, detail: $2) }
    }

    @Sendable func createSnapshot(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { principal in
            let project = try fields.requiredString("project")
            let template = try fields.requiredString("run_name_template")
            guard let configuration = try fields.object("pipeline_configuration") else { throw fields.fail("pipeline_configuration", "Field required") }
            let steps = try fields.object("step_configurations") ?? [:]
            let spec = try fields.object("pipeline_spec")
            var environment = try fields.object("client_environment") ?? [:]
            environment["python_packages"] = nil
            let pipelineID = try fields.uuid("pipeline"), stackID = try fields.uuid("stack")
            let name = try fields.optionalName("name")
            let values: [DatabaseValue] = ([
                try fields.string("description"), template, configuration.text, steps.text, spec?.text, environment.text,
                try fields.string("client_version"), try fields.string("server_version"), try fields.string("pipeline_version_hash"),
                try fields.string("source_code"), try fields.string("code_path"), try fields.bool("is_dynamic") ?? false,
                steps.objectValue?.count ?? 0,
            ] as [DatabaseValueConvertible?]).map { $0?.databaseValue ?? .null }
            let id = String.newID()
            try await endpoints.store.pool.write { db in
                let projectID = try ProjectLookup.id(of: project, db: db)
                if let pipelineID, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM pipelines WHERE id = ? AND project_id = ?", arguments: [pipelineID, projectID]) ?? 0 == 0 {
                    throw ControlPlaneError.notFound("Unable to get pipeline with ID '\(pipelineID)': No pipeline with this ID found.")
                }
                if let stackID, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM stacks WHERE id = ?", arguments: [stackID]) ?? 0 == 0 {
                    throw ControlPlaneError.notFound("Unable to get stack with ID '\(stackID)': No stack with this ID found.")
                }
                let now = Timestamp.now()
                try db.execute(sql: """
                    INSERT INTO pipeline_snapshots (id, project_id, pipeline_id, stack_id, user_id, name, description, run_name_template,
                    pipeline_configuration, step_configurations, pipeline_spec, client_environment, client_version, server_version,
                    pipeline_version_hash, source_code, code_path, is_dynamic, step_count, created, updated)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: StatementArguments(([id, projectID, pipelineID, stackID, principal.userID, name] as [String?]).map { $0?.databaseValue ?? .null } + values + [now.databaseValue, now.databaseValue]))
                try TagLinks.apply(fields, kind: .pipelineSnapshot, id: id, userID: principal.userID, db: db, keys: ("tags", nil))
            }
            return try await endpoints.render("pipeline_snapshots", id: id, noun: "snapshot") { try $0.snapshot($1, detail: $2) }
        }
    }

    @Sendable func deleteSnapshot(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id").lowercased()
        return try await endpoints.write(request, context) { _ in
            try await endpoints.store.pool.write { db in
                _ = try WireRenderer(db: db).row("pipeline_snapshots", id: id, noun: "snapshot")
                try SQLiteRunRepository.deleteRuns(where: "snapshot_id = ?", id, db: db)
                try TagLinks.forget(.pipelineSnapshot, ids: [id], db: db)
                try db.execute(sql: "DELETE FROM pipeline_snapshots WHERE id = ?", arguments: [id])
            }
            return nil
        }
    }
}
