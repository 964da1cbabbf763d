import GRDB

extension WireRenderer {
    /// `latest_run_id/status/user` of a pipeline or snapshot, computed from its runs.
    func latestRun(column: String, id: String) throws -> (id: JSONValue, status: JSONValue, user: JSONValue) {
        guard let run = try Row.fetchOne(db, sql: "SELECT id, status, user_id FROM pipeline_runs WHERE \(column) = ? ORDER BY created DESC, id DESC LIMIT 1",
                                         arguments: [id])
        else { return (.null, .null, .null) }
        return (.string(run["id"]), .string(run["status"]), try user(id: run["user_id"]))
    }

    func pipeline(_ row: Row, detail: Detail) throws -> JSONValue {
        let body: JSONValue = ["created": .string(row["created"]), "updated": .string(row["updated"]),
                               "user_id": .optional(row["user_id"] as String?), "project_id": .string(row["project_id"])]
        return try entity(id: row["id"], name: .string(row["name"]), body: body, detail: detail, metadata: {
            ["description": .optional(row["description"] as String?)]
        }, resources: {
            let latest = try latestRun(column: "pipeline_id", id: row["id"])
            return ["user": try user(id: row["user_id"]), "latest_run_user": latest.user, "latest_run_id": latest.id,
                    "latest_run_status": latest.status, "tags": [], "visualizations": []]
        })
    }

    func snapshot(_ row: Row, detail: Detail) throws -> JSONValue {
        let body: JSONValue = [
            "created": .string(row["created"]), "updated": .string(row["updated"]), "user_id": .optional(row["user_id"] as String?),
            "project_id": .string(row["project_id"]), "runnable": false, "deployable": false,
            "is_dynamic": .bool(row["is_dynamic"]), "pipeline_id": .optional(row["pipeline_id"] as String?),
        ]
        return try entity(id: row["id"], name: .optional(row["name"] as String?), body: body, detail: detail, metadata: {
            ["description": .optional(row["description"] as String?), "source_code": .optional(row["source_code"] as String?),
             "run_name_template": .string(row["run_name_template"]),
             "pipeline_configuration": JSONValue.parseStored(row["pipeline_configuration"]),
             "step_configurations": JSONValue.parseStored(row["step_configurations"]),
             "client_environment": JSONValue.parseStored(row["client_environment"]),
             "client_version": .optional(row["client_version"] as String?), "server_version": .optional(row["server_version"] as String?),
             "pipeline_version_hash": .optional(row["pipeline_version_hash"] as String?),
             "pipeline_spec": JSONValue.parseStored(row["pipeline_spec"]), "code_path": .optional(row["code_path"] as String?),
             "template_id": nil, "source_snapshot_id": nil, "config_template": nil, "config_schema": nil]
        }, resources: {
            let latest = try latestRun(column: "snapshot_id", id: row["id"])
            return ["user": try user(id: row["user_id"]), "pipeline": try related("pipelines", row["pipeline_id"], pipeline),
                    "stack": try related("stacks", row["stack_id"], stack), "build": nil, "schedule": nil, "code_reference": nil,
                    "deployment": nil, "tags": [], "latest_run_id": latest.id, "latest_run_status": latest.status,
                    "latest_run_user": latest.user, "visualizations": []]
        })
    }

    /// A related entity rendered `nested`, or null when the id is null or gone.
    func related(_ table: String, _ id: String?, _ render: (Row, Detail) throws -> JSONValue) throws -> JSONValue {
        guard let id, let row = try Row.fetchOne(db, sql: "SELECT * FROM \(table) WHERE id = ?", arguments: [id]) else { return .null }
        return try render(row, .nested)
    }

    func run(_ row: Row, detail: Detail) throws -> JSONValue {
        let status: String = row["status"]
        let body: JSONValue = [
            "created": .string(row["created"]), "updated": .string(row["updated"]), "user_id": .optional(row["user_id"] as String?),
            "project_id": .string(row["project_id"]), "status": .string(status),
            "in_progress": .bool(!RunStatus.isFinished(status)), "status_reason": .optional(row["status_reason"] as String?),
            "index": .int(row["run_index"]), "pipeline_id": .optional(row["pipeline_id"] as String?), "child_key": nil, "root_run_id": nil,
        ]
        return try entity(id: row["id"], name: .string(row["name"]), body: body, detail: detail, metadata: {
            ["run_metadata": JSONValue.parseStored(row["run_metadata"]), "config": JSONValue.parseStored(row["config"]),
             "start_time": .optional(row["start_time"] as String?), "end_time": .optional(row["end_time"] as String?),
             "client_environment": JSONValue.parseStored(row["client_environment"]),
             "orchestrator_environment": JSONValue.parseStored(row["orchestrator_environment"]),
             "orchestrator_run_id": .optional(row["orchestrator_run_id"] as String?), "code_path": nil, "template_id": nil,
             "is_templatable": false, "trigger_info": JSONValue.parseStored(row["trigger_info"]), "enable_heartbeat": true,
             "exception_info": JSONValue.parseStored(row["exception_info"]), "trigger_execution_info": nil]
        }, resources: {
            ["user": try user(id: row["user_id"]), "snapshot": try related("pipeline_snapshots", row["snapshot_id"], snapshot),
             "source_snapshot": nil, "stack": try related("stacks", row["stack_id"], stack),
             "pipeline": try related("pipelines", row["pipeline_id"], pipeline), "build": nil, "schedule": nil,
             "code_reference": nil, "model_version": nil, "tags": [],
             "log_collection": try logCollection(column: "pipeline_run_id", id: row["id"]), "visualizations": [],
             "trigger": nil, "original_run": nil, "parent_run": nil, "active_wait_condition": nil, "outputs": [:]]
        })
    }

    /// The logs attached to a run or step, rendered nested.
    func logCollection(column: String, id: String) throws -> JSONValue {
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM logs WHERE \(column) = ? ORDER BY created, id", arguments: [id])
        return .array(try rows.map { try logs($0, detail: .nested) })
    }

    func logs(_ row: Row, detail: Detail) throws -> JSONValue {
        let links: [(String, JSONValue)] = [
            ("step_run_id", .optional(row["step_run_id"] as String?)), ("pipeline_run_id", .optional(row["pipeline_run_id"] as String?)),
            ("artifact_store_id", .optional(row["artifact_store_id"] as String?)), ("log_store_id", .optional(row["log_store_id"] as String?)),
            ("hook_invocation_id", .optional(row["hook_invocation_id"] as String?)),
        ]
        var body: JSONValue = ["created": .string(row["created"]), "updated": .string(row["updated"]),
                               "user_id": .optional(row["user_id"] as String?), "project_id": .string(row["project_id"]),
                               "uri": .optional(row["uri"] as String?), "source": .string(row["source"])]
        for (key, value) in links { body[key] = value }
        return try entity(id: row["id"], name: nil, body: body, detail: detail, metadata: {
            .object(.init(uniqueKeysWithValues: links))
        }, resources: { ["user": try user(id: row["user_id"])] })
    }
}
