extension WireRenderer {
    /// `latest_run_id/status/user` of a pipeline or snapshot, computed from its runs.
    func latestRun(column: String, id: String) throws -> (id: JSONValue, status: JSONValue, user: JSONValue) {
        guard let found = relations.latestRuns.lookup(RelationKey(group: column, id: id)), let run = found else { return (.null, .null, .null) }
        return (.string(run.id), .string(run.status), try user(id: run.userID))
    }

    func pipeline(_ row: StoredRow, detail: Detail) throws -> JSONValue {
        let body: JSONValue = ["created": .string((try row.decode(forColumn: "created"))), "updated": .string((try row.decode(forColumn: "updated"))),
                               "user_id": .optional(try row.decode(String?.self, forColumn: "user_id")), "project_id": .string((try row.decode(forColumn: "project_id")))]
        return try entity(id: (try row.decode(forColumn: "id")), name: .string((try row.decode(forColumn: "name"))), body: body, detail: detail, metadata: {
            ["description": .optional(try row.decode(String?.self, forColumn: "description"))]
        }, resources: {
            let latest = try latestRun(column: "pipeline_id", id: (try row.decode(forColumn: "id")))
            return ["user": try user(id: (try row.decode(forColumn: "user_id"))), "latest_run_user": latest.user, "latest_run_id": latest.id,
                    "latest_run_status": latest.status, "tags": try tags(on: .pipeline, id: try row.decode(forColumn: "id")), "visualizations": []]
        })
    }

    func snapshot(_ row: StoredRow, detail: Detail) throws -> JSONValue {
        let body: JSONValue = [
            "created": .string((try row.decode(forColumn: "created"))), "updated": .string((try row.decode(forColumn: "updated"))), "user_id": .optional(try row.decode(String?.self, forColumn: "user_id")),
            "project_id": .string((try row.decode(forColumn: "project_id"))), "runnable": false, "deployable": false,
            "is_dynamic": .bool((try row.decode(forColumn: "is_dynamic"))), "pipeline_id": .optional(try row.decode(String?.self, forColumn: "pipeline_id")),
        ]
        return try entity(id: (try row.decode(forColumn: "id")), name: .optional(try row.decode(String?.self, forColumn: "name")), body: body, detail: detail, metadata: {
            ["description": .optional(try row.decode(String?.self, forColumn: "description")), "source_code": .optional(try row.decode(String?.self, forColumn: "source_code")),
             "run_name_template": .string((try row.decode(forColumn: "run_name_template"))),
             "pipeline_configuration": JSONValue.parseStored((try row.decode(forColumn: "pipeline_configuration"))),
             "step_configurations": JSONValue.parseStored((try row.decode(forColumn: "step_configurations"))),
             "client_environment": JSONValue.parseStored((try row.decode(forColumn: "client_environment"))),
             "client_version": .optional(try row.decode(String?.self, forColumn: "client_version")), "server_version": .optional(try row.decode(String?.self, forColumn: "server_version")),
             "pipeline_version_hash": .optional(try row.decode(String?.self, forColumn: "pipeline_version_hash")),
             "pipeline_spec": JSONValue.parseStored((try row.decode(forColumn: "pipeline_spec"))), "code_path": .optional(try row.decode(String?.self, forColumn: "code_path")),
             "template_id": nil, "source_snapshot_id": nil, "config_template": nil, "config_schema": nil]
        }, resources: {
            let latest = try latestRun(column: "snapshot_id", id: (try row.decode(forColumn: "id")))
            return ["user": try user(id: (try row.decode(forColumn: "user_id"))), "pipeline": try related("pipelines", (try row.decode(forColumn: "pipeline_id")), pipeline),
                    "stack": try related("stacks", (try row.decode(forColumn: "stack_id")), stack), "build": nil, "schedule": nil, "code_reference": nil,
                    "deployment": nil, "tags": try tags(on: .pipelineSnapshot, id: try row.decode(forColumn: "id")), "latest_run_id": latest.id, "latest_run_status": latest.status,
                    "latest_run_user": latest.user, "visualizations": []]
        })
    }

    /// A related entity rendered `nested`, or null when the id is null or gone.
    func related(_ table: String, _ id: String?, _ render: (StoredRow, Detail) throws -> JSONValue) throws -> JSONValue {
        guard let id, let found = relations.rows.lookup(RelationKey(group: table, id: id)), let row = found else { return .null }
        return try render(row, .nested)
    }

    func run(_ row: StoredRow, detail: Detail) throws -> JSONValue {
        let status: String = (try row.decode(forColumn: "status"))
        let body: JSONValue = [
            "created": .string((try row.decode(forColumn: "created"))), "updated": .string((try row.decode(forColumn: "updated"))), "user_id": .optional(try row.decode(String?.self, forColumn: "user_id")),
            "project_id": .string((try row.decode(forColumn: "project_id"))), "status": .string(status),
            "in_progress": .bool(!RunStatus.isFinished(status)), "status_reason": .optional(try row.decode(String?.self, forColumn: "status_reason")),
            "index": .int((try row.decode(forColumn: "run_index"))), "pipeline_id": .optional(try row.decode(String?.self, forColumn: "pipeline_id")), "child_key": nil, "root_run_id": nil,
        ]
        return try entity(id: (try row.decode(forColumn: "id")), name: .string((try row.decode(forColumn: "name"))), body: body, detail: detail, metadata: {
            ["run_metadata": JSONValue.parseStored((try row.decode(forColumn: "run_metadata"))), "config": JSONValue.parseStored((try row.decode(forColumn: "config"))),
             "start_time": .optional(try row.decode(String?.self, forColumn: "start_time")), "end_time": .optional(try row.decode(String?.self, forColumn: "end_time")),
             "client_environment": JSONValue.parseStored((try row.decode(forColumn: "client_environment"))),
             "orchestrator_environment": JSONValue.parseStored((try row.decode(forColumn: "orchestrator_environment"))),
             "orchestrator_run_id": .optional(try row.decode(String?.self, forColumn: "orchestrator_run_id")), "code_path": nil, "template_id": nil,
             "is_templatable": false, "trigger_info": JSONValue.parseStored((try row.decode(forColumn: "trigger_info"))), "enable_heartbeat": true,
             "exception_info": JSONValue.parseStored((try row.decode(forColumn: "exception_info"))), "trigger_execution_info": nil]
        }, resources: {
            ["user": try user(id: (try row.decode(forColumn: "user_id"))), "snapshot": try related("pipeline_snapshots", (try row.decode(forColumn: "snapshot_id")), snapshot),
             "source_snapshot": nil, "stack": try related("stacks", (try row.decode(forColumn: "stack_id")), stack),
             "pipeline": try related("pipelines", (try row.decode(forColumn: "pipeline_id")), pipeline), "build": nil, "schedule": nil,
             "code_reference": nil, "model_version": try related("model_versions", try row.decode(forColumn: "model_version_id"), modelVersion),
             "tags": try tags(on: .pipelineRun, id: try row.decode(forColumn: "id")),
             "log_collection": try logCollection(column: "pipeline_run_id", id: (try row.decode(forColumn: "id"))), "visualizations": [],
             "trigger": nil, "original_run": nil, "parent_run": nil, "active_wait_condition": nil, "outputs": [:]]
        })
    }

    /// The logs attached to a run or step, rendered nested.
    func logCollection(column: String, id: String) throws -> JSONValue {
        let rows = relations.logs.lookup(RelationKey(group: column, id: id)) ?? []
        return .array(try rows.map { try logs($0, detail: .nested) })
    }

    func logs(_ row: StoredRow, detail: Detail) throws -> JSONValue {
        let links: [(String, JSONValue)] = [
            ("step_run_id", .optional(try row.decode(String?.self, forColumn: "step_run_id"))), ("pipeline_run_id", .optional(try row.decode(String?.self, forColumn: "pipeline_run_id"))),
            ("artifact_store_id", .optional(try row.decode(String?.self, forColumn: "artifact_store_id"))), ("log_store_id", .optional(try row.decode(String?.self, forColumn: "log_store_id"))),
            ("hook_invocation_id", .optional(try row.decode(String?.self, forColumn: "hook_invocation_id"))),
        ]
        var body: JSONValue = ["created": .string((try row.decode(forColumn: "created"))), "updated": .string((try row.decode(forColumn: "updated"))),
                               "user_id": .optional(try row.decode(String?.self, forColumn: "user_id")), "project_id": .string((try row.decode(forColumn: "project_id"))),
                               "uri": .optional(try row.decode(String?.self, forColumn: "uri")), "source": .string((try row.decode(forColumn: "source")))]
        for (key, value) in links { body[key] = value }
        return try entity(id: (try row.decode(forColumn: "id")), name: nil, body: body, detail: detail, metadata: {
            .object(.init(uniqueKeysWithValues: links))
        }, resources: { ["user": try user(id: (try row.decode(forColumn: "user_id")))] })
    }
}
