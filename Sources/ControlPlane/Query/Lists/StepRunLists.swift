import Storage

/// How the `StepRun` list routes map ZenML's query parameters onto their tables.
extension ResourceSchema {
    static var stepRuns: ResourceSchema {
        ResourceSchema(table: "step_runs", noun: "step run", projectScoped: true, fields: [
            "name": ("t.name", .string), "status": ("t.status", .string), "cache_key": ("t.cache_key", .string),
            "code_hash": ("t.code_hash", .string), "pipeline_run_id": ("t.pipeline_run_id", .uuid),
            "snapshot_id": ("t.snapshot_id", .uuid), "original_step_run_id": ("t.original_step_run_id", .uuid),
            "start_time": ("t.start_time", .datetime), "end_time": ("t.end_time", .datetime),
            "cache_expires_at": ("t.cache_expires_at", .datetime), "version": ("t.version", .int), "user_id": ("t.user_id", .uuid),
        ], custom: [
            "exclude_retried": { value in
                try ListQuery.boolean("exclude_retried", value) ? SQLCondition(sql: "t.status != 'retried'", arguments: []) : nil
            },
            "model_version_id": { value in try ListQuery.condition("model_version_id", "t.model_version_id", .uuid, value) },
            "model": ModelFilter.versionOwnedBy("t.model_version_id"),
            "cache_expired": { value in
                let now = Timestamp.now().storedValue
                return try ListQuery.boolean("cache_expired", value)
                    ? SQLCondition(sql: "t.cache_expires_at IS NOT NULL AND t.cache_expires_at <= ?", arguments: [now])
                    : SQLCondition(sql: "(t.cache_expires_at IS NULL OR t.cache_expires_at > ?)", arguments: [now])
            },
        ])
    }
}
