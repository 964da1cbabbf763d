extension WireRenderer {
    /// A hook invocation as ZenML renders it, with the logs the hook wrote.
    func hookInvocation(_ row: StoredRow, detail: Detail) throws -> JSONValue {
        let id: String = try row.decode(forColumn: "id")
        let body: JSONValue = [
            "created": .string(try row.decode(forColumn: "created")), "updated": .string(try row.decode(forColumn: "updated")),
            "user_id": .optional(try row.decode(String?.self, forColumn: "user_id")), "project_id": .string(try row.decode(forColumn: "project_id")),
            "hook_type": .string(try row.decode(forColumn: "hook_type")), "status": .string(try row.decode(forColumn: "status")),
            "start_time": .string(try row.decode(forColumn: "start_time")), "end_time": .optional(try row.decode(String?.self, forColumn: "end_time")),
            "pipeline_run_id": .string(try row.decode(forColumn: "pipeline_run_id")),
            "step_run_id": .optional(try row.decode(String?.self, forColumn: "step_run_id")),
        ]
        return try entity(id: id, name: .optional(try row.decode(String?.self, forColumn: "name")), body: body, detail: detail, metadata: {
            ["source": .optional(try row.decode(String?.self, forColumn: "source")),
             "exception_info": JSONValue.parseStored(try row.decode(String?.self, forColumn: "exception_info"))]
        }, resources: {
            ["user": try user(id: try row.decode(String?.self, forColumn: "user_id")),
             "outputs": JSONValue.parseStored(try row.decode(String?.self, forColumn: "outputs")),
             "log_collection": try logCollection(column: "hook_invocation_id", id: id)]
        })
    }
}
