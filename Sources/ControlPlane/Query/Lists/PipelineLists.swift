/// How the `Pipeline` list routes map ZenML's query parameters onto their tables.
extension ResourceSchema {
    static var pipelines: ResourceSchema {
        ResourceSchema(table: "pipelines", noun: "pipeline", projectScoped: true, fields: [
            "name": ("t.name", .string), "user_id": ("t.user_id", .uuid),
        ], custom: [
            "latest_run_status": { value in
                let (op, text) = ListQuery.split(value)
                guard op == "equals" else { throw ListQuery.bad("latest_run_status", "Only equality is supported here") }
                return SQLCondition(sql: "(SELECT status FROM pipeline_runs r WHERE r.pipeline_id = t.id ORDER BY r.created DESC LIMIT 1) = ?",
                                    arguments: [text.storedValue])
            },
            "tags": TagFilter.rule(.pipeline),
        ])
    }

    static var pipelineSnapshots: ResourceSchema {
        ResourceSchema(table: "pipeline_snapshots", noun: "snapshot", projectScoped: true, fields: [
            "name": ("t.name", .string), "user_id": ("t.user_id", .uuid), "pipeline_id": ("t.pipeline_id", .uuid),
            "stack_id": ("t.stack_id", .uuid),
        ], custom: [
            "pipeline": SQLCondition.namingRule("t.pipeline_id", in: "pipelines"),
            "stack": SQLCondition.namingRule("t.stack_id", in: "stacks"),
            "named_only": { value in try ListQuery.boolean("named_only", value) ? SQLCondition(sql: "t.name IS NOT NULL", arguments: []) : nil },
            "tags": TagFilter.rule(.pipelineSnapshot),
        ])
    }
}
