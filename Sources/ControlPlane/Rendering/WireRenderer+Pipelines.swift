extension WireRenderer {
    /// `latest_run_id/status/user` of a pipeline or snapshot, computed from its runs.
    func latestRun(column: String, id: String) throws -> (id: JSONValue, status: JSONValue, user: JSONValue) {
        guard let found = relations.latestRuns.lookup(RelationKey(group: column, id: id)), let run = found else { return (.null, .null, .null) }
        return (.string(run.id), .string(run.status), try user(id: run.userID))
    }

    func pipeline(_ record: PipelineRecord, detail: Detail) throws -> JSONValue {
        let body: JSONValue = ["created": .string(record.created), "updated": .string(record.updated),
                               "user_id": .optional(record.userID), "project_id": .string(record.projectID)]
        return try entity(id: record.id, name: .string(record.name), body: body, detail: detail, metadata: {
            ["description": .optional(record.description)]
        }, resources: {
            let latest = try latestRun(column: "pipeline_id", id: record.id)
            return ["user": try user(id: record.userID), "latest_run_user": latest.user, "latest_run_id": latest.id,
                    "latest_run_status": latest.status, "tags": try tags(on: .pipeline, id: record.id), "visualizations": []]
        })
    }

    func snapshot(_ record: PipelineSnapshotRecord, detail: Detail) throws -> JSONValue {
        let body: JSONValue = [
            "created": .string(record.created), "updated": .string(record.updated), "user_id": .optional(record.userID),
            "project_id": .string(record.projectID), "runnable": false, "deployable": false,
            "is_dynamic": .bool(record.isDynamic), "pipeline_id": .optional(record.pipelineID),
        ]
        return try entity(id: record.id, name: .optional(record.name), body: body, detail: detail, metadata: {
            ["description": .optional(record.description), "source_code": .optional(record.sourceCode),
             "run_name_template": .string(record.runNameTemplate),
             "pipeline_configuration": JSONValue.parseStored(record.pipelineConfiguration),
             "step_configurations": JSONValue.parseStored(record.stepConfigurations),
             "client_environment": JSONValue.parseStored(record.clientEnvironment),
             "client_version": .optional(record.clientVersion), "server_version": .optional(record.serverVersion),
             "pipeline_version_hash": .optional(record.pipelineVersionHash),
             "pipeline_spec": JSONValue.parseStored(record.pipelineSpec), "code_path": .optional(record.codePath),
             "template_id": nil, "source_snapshot_id": nil, "config_template": nil, "config_schema": nil]
        }, resources: {
            let latest = try latestRun(column: "snapshot_id", id: record.id)
            return ["user": try user(id: record.userID), "pipeline": try related(record.pipelineID, pipeline),
                    "stack": try related(record.stackID, stack), "build": nil, "schedule": nil, "code_reference": nil,
                    "deployment": nil, "tags": try tags(on: .pipelineSnapshot, id: record.id), "latest_run_id": latest.id, "latest_run_status": latest.status,
                    "latest_run_user": latest.user, "visualizations": []]
        })
    }

    /// A related entity rendered `nested`, or null when the id is null or gone.
    func related<Record: StoredRecord>(_ id: String?, _ render: (Record, Detail) throws -> JSONValue) throws -> JSONValue {
        guard let id else { return .null }
        let key = RelationKey(group: Record.table, id: id)
        if let known = relatedRecords[key] as? Record { return try render(known, .nested) }
        guard let found = relations.rows.lookup(key), let row = found else { return .null }
        let record = try Record(row)
        relatedRecords[key] = record
        return try render(record, .nested)
    }

    func run(_ record: PipelineRunRecord, detail: Detail) throws -> JSONValue {
        let status: String = record.status
        let body: JSONValue = [
            "created": .string(record.created), "updated": .string(record.updated), "user_id": .optional(record.userID),
            "project_id": .string(record.projectID), "status": .string(status),
            "in_progress": .bool(!RunStatus.isFinished(status)), "status_reason": .optional(record.statusReason),
            "index": .int(record.runIndex), "pipeline_id": .optional(record.pipelineID), "child_key": nil, "root_run_id": nil,
        ]
        return try entity(id: record.id, name: .string(record.name), body: body, detail: detail, metadata: {
            ["run_metadata": JSONValue.parseStored(record.runMetadata), "config": JSONValue.parseStored(record.config),
             "start_time": .optional(record.startTime), "end_time": .optional(record.endTime),
             "client_environment": JSONValue.parseStored(record.clientEnvironment),
             "orchestrator_environment": JSONValue.parseStored(record.orchestratorEnvironment),
             "orchestrator_run_id": .optional(record.orchestratorRunID), "code_path": nil, "template_id": nil,
             "is_templatable": false, "trigger_info": JSONValue.parseStored(record.triggerInfo), "enable_heartbeat": true,
             "exception_info": JSONValue.parseStored(record.exceptionInfo), "trigger_execution_info": nil]
        }, resources: {
            ["user": try user(id: record.userID), "snapshot": try related(record.snapshotID, snapshot),
             "source_snapshot": nil, "stack": try related(record.stackID, stack),
             "pipeline": try related(record.pipelineID, pipeline), "build": nil, "schedule": nil,
             "code_reference": nil, "model_version": try related(record.modelVersionID, modelVersion),
             "tags": try tags(on: .pipelineRun, id: record.id),
             "log_collection": try logCollection(column: "pipeline_run_id", id: record.id), "visualizations": [],
             "trigger": nil, "original_run": nil, "parent_run": nil, "active_wait_condition": nil, "outputs": [:]]
        })
    }

    /// The logs attached to a run or step, rendered nested.
    func logCollection(column: String, id: String) throws -> JSONValue {
        let rows = relations.logs.lookup(RelationKey(group: column, id: id)) ?? []
        return .array(try rows.map { try logs(LogsRecord($0), detail: .nested) })
    }

    func logs(_ record: LogsRecord, detail: Detail) throws -> JSONValue {
        let links: [(String, JSONValue)] = [
            ("step_run_id", .optional(record.stepRunID)), ("pipeline_run_id", .optional(record.pipelineRunID)),
            ("artifact_store_id", .optional(record.artifactStoreID)), ("log_store_id", .optional(record.logStoreID)),
            ("hook_invocation_id", .optional(record.hookInvocationID)),
        ]
        var body: JSONValue = ["created": .string(record.created), "updated": .string(record.updated),
                               "user_id": .optional(record.userID), "project_id": .string(record.projectID),
                               "uri": .optional(record.uri), "source": .string(record.source)]
        for (key, value) in links { body[key] = value }
        return try entity(id: record.id, name: nil, body: body, detail: detail, metadata: {
            .object(.init(uniqueKeysWithValues: links))
        }, resources: { ["user": try user(id: record.userID)] })
    }
}
