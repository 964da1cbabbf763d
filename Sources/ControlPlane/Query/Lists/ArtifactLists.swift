/// How the `Artifact` list routes map ZenML's query parameters onto their tables.
extension ResourceSchema {
    static var artifacts: ResourceSchema {
        ResourceSchema(table: "artifacts", noun: "artifact", projectScoped: true, fields: [
            "name": ("t.name", .string), "has_custom_name": ("t.has_custom_name", .bool), "user_id": ("t.user_id", .uuid),
        ], custom: ["tags": TagFilter.rule(.artifact)])
    }

    static var artifactVersions: ResourceSchema {
        ResourceSchema(table: "artifact_versions", noun: "artifact version", projectScoped: true, fields: [
            "artifact_id": ("t.artifact_id", .uuid), "version": ("t.version", .string), "version_number": ("t.version_number", .int),
            "uri": ("t.uri", .string), "type": ("t.type", .string), "artifact_store_id": ("t.artifact_store_id", .uuid),
            "save_type": ("t.save_type", .string), "content_hash": ("t.content_hash", .string), "user_id": ("t.user_id", .uuid),
            "producer_step_run_id": ("t.producer_step_run_id", .uuid),
        ], custom: [
            "artifact": SQLCondition.namingRule("t.artifact_id", in: "artifacts"),
            "name": { value in
                let condition = try ListQuery.condition("name", "a.name", .string, value)
                return condition.within("t.artifact_id IN (SELECT a.id FROM artifacts a WHERE ", ")")
            },
            "has_custom_name": { value in
                try ListQuery.condition("has_custom_name", "a.has_custom_name", .bool, value)
                    .within("t.artifact_id IN (SELECT a.id FROM artifacts a WHERE ", ")")
            },
            "only_unused": { value in
                try ListQuery.boolean("only_unused", value)
                    ? SQLCondition(sql: "t.id NOT IN (SELECT artifact_version_id FROM step_run_artifacts)", arguments: []) : nil
            },
            "tags": TagFilter.rule(.artifactVersion),
            "model_version_id": { value in
                let condition = try ListQuery.condition("model_version_id", "m.model_version_id", .uuid, value)
                return condition.within("t.id IN (SELECT m.artifact_version_id FROM model_version_artifacts m WHERE ", ")")
            },
            "model": { value in
                SQLCondition(sql: """
                    t.id IN (SELECT l.artifact_version_id FROM model_version_artifacts l JOIN model_versions v ON v.id = l.model_version_id
                    JOIN models m ON m.id = v.model_id WHERE m.id = ? OR m.name = ?)
                    """, arguments: [value.lowercased().storedValue, value.storedValue])
            },
            "pipeline_run": { value in
                SQLCondition(sql: """
                    t.id IN (SELECT l.artifact_version_id FROM step_run_artifacts l JOIN step_runs s ON s.id = l.step_run_id
                    WHERE s.pipeline_run_id IN (SELECT id FROM pipeline_runs WHERE id = ? OR name = ?))
                    """, arguments: [value.lowercased().storedValue, value.storedValue])
            },
        ])
    }
}
