/// How the `HookInvocation` list routes map ZenML's query parameters onto their tables.
extension ResourceSchema {
    static var hookInvocations: ResourceSchema {
        ResourceSchema(table: "hook_invocations", noun: "hook invocation", projectScoped: true, fields: [
            "pipeline_run_id": ("t.pipeline_run_id", .uuid), "step_run_id": ("t.step_run_id", .uuid), "hook_type": ("t.hook_type", .string),
            "name": ("t.name", .string), "status": ("t.status", .string), "start_time": ("t.start_time", .datetime),
            "end_time": ("t.end_time", .datetime), "user_id": ("t.user_id", .uuid),
        ])
    }
}
