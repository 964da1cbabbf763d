extension WireRenderer {
    /// The `substitutions` of a run's configuration (`date`, `time`, …), cached per response.
    func substitutions(ofRun runID: String) throws -> JSONValue {
        relations.substitutions.lookup(runID) ?? [:]
    }

    func step(_ row: StoredRow, detail: Detail) throws -> JSONValue {
        let id: String = (try row.decode(forColumn: "id"))
        let runID: String = (try row.decode(forColumn: "pipeline_run_id"))
        let body: JSONValue = [
            "created": .string((try row.decode(forColumn: "created"))), "updated": .string((try row.decode(forColumn: "updated"))), "user_id": .optional(try row.decode(String?.self, forColumn: "user_id")),
            "project_id": .string((try row.decode(forColumn: "project_id"))), "type": nil, "status": .string((try row.decode(forColumn: "status"))), "version": .int((try row.decode(forColumn: "version"))),
            "is_retriable": .bool(StepRetries.maximum(config: try row.decode(String?.self, forColumn: "config")) > 0), "start_time": .optional(try row.decode(String?.self, forColumn: "start_time")), "end_time": .optional(try row.decode(String?.self, forColumn: "end_time")),
            "latest_heartbeat": nil, "model_version_id": .optional(try row.decode(String?.self, forColumn: "model_version_id")), "resource_request_id": nil,
            "substitutions": try substitutions(ofRun: runID), "heartbeat_threshold": nil,
        ]
        return try entity(id: id, name: .string((try row.decode(forColumn: "name"))), body: body, detail: detail, metadata: {
            let parents = relations.stepParents.lookup(id) ?? []
            return ["config": JSONValue.parseStored((try row.decode(forColumn: "config"))), "spec": JSONValue.parseStored((try row.decode(forColumn: "spec"))),
                    "cache_key": .optional(try row.decode(String?.self, forColumn: "cache_key")), "cache_expires_at": .optional(try row.decode(String?.self, forColumn: "cache_expires_at")),
                    "code_hash": .optional(try row.decode(String?.self, forColumn: "code_hash")), "docstring": .optional(try row.decode(String?.self, forColumn: "docstring")),
                    "source_code": .optional(try row.decode(String?.self, forColumn: "source_code")), "exception_info": JSONValue.parseStored((try row.decode(forColumn: "exception_info"))),
                    "snapshot_id": .optional(try row.decode(String?.self, forColumn: "snapshot_id")), "pipeline_run_id": .string(runID),
                    "original_step_run_id": .optional(try row.decode(String?.self, forColumn: "original_step_run_id")),
                    "parent_step_ids": .array(parents.map(JSONValue.string)), "run_metadata": JSONValue.parseStored((try row.decode(forColumn: "run_metadata")))]
        }, resources: {
            ["user": try user(id: (try row.decode(forColumn: "user_id"))), "log_collection": try logCollection(column: "step_run_id", id: id),
             "model_version": try related("model_versions", try row.decode(forColumn: "model_version_id"), modelVersion),
             "inputs": try stepArtifacts(id, direction: "input"),
             "outputs": try stepArtifacts(id, direction: "output"), "resource_request": nil]
        })
    }

    /// A step's inputs or outputs: `{name: [artifact version, …]}`; inputs also carry
    /// `input_type`, `index`, `chunk_index`, `chunk_size`.
    func stepArtifacts(_ stepID: String, direction: String) throws -> JSONValue {
        let links = relations.stepArtifacts.lookup(RelationKey(group: direction, id: stepID)) ?? []
        var result: JSONValue = [:]
        for link in links {
            let name: String = try link.decode(forColumn: "link_name")
            var rendered = try artifactVersion(link, detail: .nested)
            if direction == "input" {
                rendered["input_type"] = .string(try link.decode(String?.self, forColumn: "link_input_type") ?? "step_output")
                rendered["index"] = .int(try link.decode(forColumn: "link_position"))
                rendered["chunk_index"] = nil
                rendered["chunk_size"] = nil
            }
            result[name] = .array((result[name]?.arrayValue ?? []) + [rendered])
        }
        return result
    }

    func artifact(_ row: StoredRow, detail: Detail) throws -> JSONValue {
        let body: JSONValue = ["created": .string((try row.decode(forColumn: "created"))), "updated": .string((try row.decode(forColumn: "updated"))),
                               "user_id": .optional(try row.decode(String?.self, forColumn: "user_id")), "project_id": .string((try row.decode(forColumn: "project_id")))]
        return try entity(id: (try row.decode(forColumn: "id")), name: .string((try row.decode(forColumn: "name"))), body: body, detail: detail, metadata: {
            ["has_custom_name": .bool((try row.decode(forColumn: "has_custom_name")))]
        }, resources: {
            let latest = relations.latestArtifactVersions.lookup(try row.decode(forColumn: "id")) ?? nil
            return ["user": try user(id: (try row.decode(forColumn: "user_id"))), "tags": try tags(on: .artifact, id: try row.decode(forColumn: "id")),
                    "latest_version_name": .optional(latest?.name), "latest_version_id": .optional(latest?.id)]
        })
    }

    func artifactVersion(_ row: StoredRow, detail: Detail) throws -> JSONValue {
        let nestedArtifact = try related("artifacts", try row.decode(forColumn: "artifact_id"), self.artifact)
        let body: JSONValue = [
            "created": .string((try row.decode(forColumn: "created"))), "updated": .string((try row.decode(forColumn: "updated"))), "user_id": .optional(try row.decode(String?.self, forColumn: "user_id")),
            "project_id": .string((try row.decode(forColumn: "project_id"))), "artifact": nestedArtifact,
            "version": .string((try row.decode(forColumn: "version"))), "uri": .string((try row.decode(forColumn: "uri"))), "type": .string((try row.decode(forColumn: "type"))),
            "materializer": JSONValue.parseStored((try row.decode(forColumn: "materializer"))), "data_type": JSONValue.parseStored((try row.decode(forColumn: "data_type"))),
            "save_type": .string((try row.decode(forColumn: "save_type"))), "artifact_store_id": .optional(try row.decode(String?.self, forColumn: "artifact_store_id")),
            "content_hash": .optional(try row.decode(String?.self, forColumn: "content_hash")),
            "item_count": (try row.decode(Int64?.self, forColumn: "item_count")).map(JSONValue.int) ?? .null,
        ]
        return try entity(id: (try row.decode(forColumn: "id")), name: nil, body: body, detail: detail, metadata: {
            let visualizations = JSONValue.parseStored(try row.decode(String?.self, forColumn: "visualizations")).arrayValue ?? []
            let created: String = try row.decode(forColumn: "created"), updated: String = try row.decode(forColumn: "updated")
            return ["visualizations": .array(visualizations.map { viz in
                Self.envelope(id: viz["id"]?.stringValue ?? "", name: nil,
                       body: ["created": .string(created), "updated": .string(updated),
                              "type": viz["type"] ?? .null, "uri": viz["uri"] ?? .null],
                       metadata: .null, resources: .null)
            }), "run_metadata": JSONValue.parseStored((try row.decode(forColumn: "run_metadata")))]
        }, resources: {
            let producer: String? = (try row.decode(forColumn: "producer_step_run_id"))
            let producerRun = producer.flatMap { relations.producerRuns.lookup($0) ?? nil }
            return ["user": try user(id: (try row.decode(forColumn: "user_id"))), "tags": try tags(on: .artifactVersion, id: try row.decode(forColumn: "id")),
                    "producer_step_run_id": .optional(producer),
                    "producer_pipeline_run_id": .optional(producerRun)]
        })
    }
}
