/// How the `Run` list routes map ZenML's query parameters onto their tables.
extension ResourceSchema {
    static var pipelineRuns: ResourceSchema {
        ResourceSchema(table: "pipeline_runs", noun: "pipeline run", projectScoped: true, fields: [
            "name": ("t.name", .string), "index": ("t.run_index", .int), "orchestrator_run_id": ("t.orchestrator_run_id", .string),
            "pipeline_id": ("t.pipeline_id", .uuid), "stack_id": ("t.stack_id", .uuid), "snapshot_id": ("t.snapshot_id", .uuid),
            "status": ("t.status", .string), "start_time": ("t.start_time", .datetime), "end_time": ("t.end_time", .datetime),
            "user_id": ("t.user_id", .uuid),
        ], custom: [
            "pipeline_name": { value in
                let condition = try ListQuery.condition("pipeline_name", "p.name", .string, value)
                return condition.within("t.pipeline_id IN (SELECT p.id FROM pipelines p WHERE ", ")")
            },
            "pipeline": SQLCondition.namingRule("t.pipeline_id", in: "pipelines"),
            "stack": SQLCondition.namingRule("t.stack_id", in: "stacks"),
            "in_progress": { value in
                let finished = RunStatus.finished.sorted().map { "'\($0)'" }.joined(separator: ",")
                return SQLCondition(sql: "t.status \(try ListQuery.boolean("in_progress", value) ? "NOT " : "")IN (\(finished))", arguments: [])
            },
            "tags": TagFilter.rule(.pipelineRun),
            "model_version_id": { value in try ListQuery.condition("model_version_id", "t.model_version_id", .uuid, value) },
            "linked_to_model_version_id": { value in
                let condition = try ListQuery.condition("linked_to_model_version_id", "m.model_version_id", .uuid, value)
                return condition.within("t.id IN (SELECT m.pipeline_run_id FROM model_version_pipeline_runs m WHERE ", ")")
            },
            "model": ModelFilter.versionOwnedBy("t.model_version_id"),
            // Enclave records no child runs (`parent_run` is always null), so every run is a root run.
            "root_runs_only": { value in _ = try ListQuery.boolean("root_runs_only", value); return nil },
        ], rendering: ["include_full_metadata"])
    }
}
