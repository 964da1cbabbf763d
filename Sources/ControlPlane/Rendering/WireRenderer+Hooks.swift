extension WireRenderer {
    /// A hook invocation as ZenML renders it, with the logs the hook wrote.
    func hookInvocation(_ record: HookInvocationRecord, detail: Detail) throws -> JSONValue {
        let id: String = record.id
        let body: JSONValue = [
            "created": .string(record.created), "updated": .string(record.updated),
            "user_id": .optional(record.userID), "project_id": .string(record.projectID),
            "hook_type": .string(record.hookType), "status": .string(record.status),
            "start_time": .string(record.startTime), "end_time": .optional(record.endTime),
            "pipeline_run_id": .string(record.pipelineRunID),
            "step_run_id": .optional(record.stepRunID),
        ]
        return try entity(id: id, name: .optional(record.name), body: body, detail: detail, metadata: {
            ["source": .optional(record.source),
             "exception_info": JSONValue.parseStored(record.exceptionInfo)]
        }, resources: {
            ["user": try user(id: record.userID),
             "outputs": JSONValue.parseStored(record.outputs),
             "log_collection": try logCollection(column: "hook_invocation_id", id: id)]
        })
    }
}
