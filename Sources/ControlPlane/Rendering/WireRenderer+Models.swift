extension WireRenderer {
    /// A model as ZenML renders it, with its tags and latest version.
    func model(_ record: ModelRecord, detail: Detail) throws -> JSONValue {
        let id: String = record.id
        let body: JSONValue = [
            "created": .string(record.created), "updated": .string(record.updated),
            "user_id": .optional(record.userID), "project_id": .string(record.projectID),
        ]
        return try entity(id: id, name: .string(record.name), body: body, detail: detail, metadata: {
            ["license": .optional(record.license), "description": .optional(record.description),
             "audience": .optional(record.audience), "use_cases": .optional(record.useCases),
             "limitations": .optional(record.limitations), "trade_offs": .optional(record.tradeOffs),
             "ethics": .optional(record.ethics), "save_models_to_registry": .bool(record.saveModelsToRegistry)]
        }, resources: {
            let latest = relations.latestModelVersions.lookup(id) ?? nil
            return ["user": try user(id: record.userID), "tags": try tags(on: .model, id: id),
                    "latest_version_name": .optional(latest?.name), "latest_version_id": .optional(latest?.id),
                    "visualizations": []]
        })
    }

    /// A model version with its model (nested), metadata and tags.
    func modelVersion(_ record: ModelVersionRecord, detail: Detail) throws -> JSONValue {
        let id: String = record.id
        let body: JSONValue = [
            "created": .string(record.created), "updated": .string(record.updated),
            "user_id": .optional(record.userID), "project_id": .string(record.projectID),
            "stage": .optional(record.stage), "number": .int(record.number),
            "model": try related(record.modelID, model),
        ]
        return try entity(id: id, name: .string(record.name), body: body, detail: detail, metadata: {
            ["description": .optional(record.description),
             "run_metadata": JSONValue.parseStored(record.runMetadata)]
        }, resources: {
            ["user": try user(id: record.userID),
             "services": ["index": 1, "max_size": 5, "total_pages": 1, "total": 0, "items": []],
             "tags": try tags(on: .modelVersion, id: id)]
        })
    }

    /// A model version's link to an artifact version.
    func modelVersionArtifact(_ record: ModelVersionArtifactLink, detail: Detail) throws -> JSONValue {
        Self.envelope(id: record.id, name: nil, body: [
            "created": .string(record.created), "updated": .string(record.updated),
            "model_version": .string(record.modelVersionID),
            "artifact_version": try related(record.artifactVersionID, artifactVersion),
        ], metadata: detail == .full ? [:] : .null, resources: .null)
    }

    /// A model version's link to a pipeline run.
    func modelVersionRun(_ record: ModelVersionRunLink, detail: Detail) throws -> JSONValue {
        Self.envelope(id: record.id, name: nil, body: [
            "created": .string(record.created), "updated": .string(record.updated),
            "model_version": .string(record.modelVersionID),
            "pipeline_run": try related(record.pipelineRunID, run),
        ], metadata: detail == .full ? [:] : .null, resources: .null)
    }
}
