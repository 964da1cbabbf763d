extension WireRenderer {
    /// A model as ZenML renders it, with its tags and latest version.
    func model(_ row: StoredRow, detail: Detail) throws -> JSONValue {
        let id: String = try row.decode(forColumn: "id")
        let body: JSONValue = [
            "created": .string(try row.decode(forColumn: "created")), "updated": .string(try row.decode(forColumn: "updated")),
            "user_id": .optional(try row.decode(String?.self, forColumn: "user_id")), "project_id": .string(try row.decode(forColumn: "project_id")),
        ]
        return try entity(id: id, name: .string(try row.decode(forColumn: "name")), body: body, detail: detail, metadata: {
            var metadata: JSONValue = [:]
            for column in ["license", "description", "audience", "use_cases", "limitations", "trade_offs", "ethics"] {
                metadata[column] = .optional(try row.decode(String?.self, forColumn: column))
            }
            metadata["save_models_to_registry"] = .bool(try row.decode(forColumn: "save_models_to_registry"))
            return metadata
        }, resources: {
            let latest = relations.latestModelVersions.lookup(id) ?? nil
            return ["user": try user(id: try row.decode(String?.self, forColumn: "user_id")), "tags": try tags(on: .model, id: id),
                    "latest_version_name": .optional(latest?.name), "latest_version_id": .optional(latest?.id),
                    "visualizations": []]
        })
    }

    /// A model version with its model (nested), metadata and tags.
    func modelVersion(_ row: StoredRow, detail: Detail) throws -> JSONValue {
        let id: String = try row.decode(forColumn: "id")
        let body: JSONValue = [
            "created": .string(try row.decode(forColumn: "created")), "updated": .string(try row.decode(forColumn: "updated")),
            "user_id": .optional(try row.decode(String?.self, forColumn: "user_id")), "project_id": .string(try row.decode(forColumn: "project_id")),
            "stage": .optional(try row.decode(String?.self, forColumn: "stage")), "number": .int(try row.decode(forColumn: "number")),
            "model": try related("models", try row.decode(forColumn: "model_id"), model),
        ]
        return try entity(id: id, name: .string(try row.decode(forColumn: "name")), body: body, detail: detail, metadata: {
            ["description": .optional(try row.decode(String?.self, forColumn: "description")),
             "run_metadata": JSONValue.parseStored(try row.decode(String?.self, forColumn: "run_metadata"))]
        }, resources: {
            ["user": try user(id: try row.decode(String?.self, forColumn: "user_id")),
             "services": ["index": 1, "max_size": 5, "total_pages": 1, "total": 0, "items": []],
             "tags": try tags(on: .modelVersion, id: id)]
        })
    }

    /// A model version's link to an artifact version.
    func modelVersionArtifact(_ row: StoredRow, detail: Detail) throws -> JSONValue {
        Self.envelope(id: try row.decode(forColumn: "id"), name: nil, body: [
            "created": .string(try row.decode(forColumn: "created")), "updated": .string(try row.decode(forColumn: "updated")),
            "model_version": .string(try row.decode(forColumn: "model_version_id")),
            "artifact_version": try related("artifact_versions", try row.decode(forColumn: "artifact_version_id"), artifactVersion),
        ], metadata: detail == .full ? [:] : .null, resources: .null)
    }

    /// A model version's link to a pipeline run.
    func modelVersionRun(_ row: StoredRow, detail: Detail) throws -> JSONValue {
        Self.envelope(id: try row.decode(forColumn: "id"), name: nil, body: [
            "created": .string(try row.decode(forColumn: "created")), "updated": .string(try row.decode(forColumn: "updated")),
            "model_version": .string(try row.decode(forColumn: "model_version_id")),
            "pipeline_run": try related("pipeline_runs", try row.decode(forColumn: "pipeline_run_id"), run),
        ], metadata: detail == .full ? [:] : .null, resources: .null)
    }
}
