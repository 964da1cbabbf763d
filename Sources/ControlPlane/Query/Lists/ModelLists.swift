/// How the `Model` list routes map ZenML's query parameters onto their tables.
extension ResourceSchema {
    static var models: ResourceSchema {
        ResourceSchema(table: "models", noun: "model", projectScoped: true, fields: [
            "name": ("t.name", .string), "user_id": ("t.user_id", .uuid),
        ], custom: ["tags": TagFilter.rule(.model)])
    }

    static var modelVersions: ResourceSchema {
        let byModel: @Sendable (String) throws -> SQLCondition? = SQLCondition.namingRule("t.model_id", in: "models")
        return ResourceSchema(table: "model_versions", noun: "model version", projectScoped: true, fields: [
            "name": ("t.name", .string), "number": ("t.number", .int), "stage": ("t.stage", .string), "user_id": ("t.user_id", .uuid),
            "model_id": ("t.model_id", .uuid),
        ], custom: ["model": byModel, "model_name_or_id": byModel, "tags": TagFilter.rule(.modelVersion)])
    }

    static var modelArtifactLinks: ResourceSchema {
        let artifactTypes: (String, String) -> @Sendable (String) throws -> SQLCondition? = { key, types in
            { value in
                try ListQuery.boolean(key, value)
                    ? SQLCondition(sql: "t.artifact_version_id IN (SELECT id FROM artifact_versions WHERE type IN (\(types)))", arguments: []) : nil
            }
        }
        return ResourceSchema(table: "model_version_artifacts", noun: "model version artifact link", projectScoped: false, fields: [
            "model_version_id": ("t.model_version_id", .uuid), "artifact_version_id": ("t.artifact_version_id", .uuid), "user_id": ("t.user_id", .uuid),
        ], custom: [
            "artifact_name": { value in
                let condition = try ListQuery.condition("artifact_name", "a.name", .string, value)
                return condition.within("t.artifact_version_id IN (SELECT v.id FROM artifact_versions v JOIN artifacts a ON a.id = v.artifact_id WHERE ",
                                        ")")
            },
            "has_custom_name": { value in
                try ListQuery.condition("has_custom_name", "a.has_custom_name", .bool, value)
                    .within("t.artifact_version_id IN (SELECT v.id FROM artifact_versions v JOIN artifacts a ON a.id = v.artifact_id WHERE ", ")")
            },
            "only_data_artifacts": artifactTypes("only_data_artifacts", ArtifactKinds.dataSQL),
            "only_model_artifacts": artifactTypes("only_model_artifacts", "'ModelArtifact'"),
            "only_deployment_artifacts": artifactTypes("only_deployment_artifacts", "'ServiceArtifact'"),
        ])
    }

    static var modelRunLinks: ResourceSchema {
        ResourceSchema(table: "model_version_pipeline_runs", noun: "model version run link", projectScoped: false, fields: [
            "model_version_id": ("t.model_version_id", .uuid), "pipeline_run_id": ("t.pipeline_run_id", .uuid), "user_id": ("t.user_id", .uuid),
        ], custom: [
            "pipeline_run_name": { value in
                let condition = try ListQuery.condition("pipeline_run_name", "r.name", .string, value)
                return condition.within("t.pipeline_run_id IN (SELECT r.id FROM pipeline_runs r WHERE ", ")")
            },
        ])
    }
}

extension SQLCondition {
    /// The versions of the model `nameOrID`.
    static func versions(ofModel nameOrID: String) -> SQLCondition {
        naming("t.model_id", in: "models", nameOrID)
    }
}

/// ZenML's artifact types grouped as its model-version views group them.
enum ArtifactKinds {
    /// Types that count as data (not the model, not a deployment).
    static let dataSQL = "'DataAnalysisArtifact', 'DataArtifact', 'SchemaArtifact', 'StatisticsArtifact', 'BaseArtifact'"
}
