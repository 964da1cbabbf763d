extension WireRenderer {
    /// The `substitutions` of a run's configuration (`date`, `time`, …), cached per response.
    func substitutions(ofRun runID: String) throws -> JSONValue {
        relations.substitutions.lookup(runID) ?? [:]
    }

    func step(_ record: StepRunRecord, detail: Detail) throws -> JSONValue {
        let id: String = record.id
        let runID: String = record.pipelineRunID
        let body: JSONValue = [
            "created": .string(record.created), "updated": .string(record.updated), "user_id": .optional(record.userID),
            "project_id": .string(record.projectID), "type": nil, "status": .string(record.status), "version": .int(record.version),
            "is_retriable": .bool(StepRetries.maximum(config: record.config) > 0), "start_time": .optional(record.startTime), "end_time": .optional(record.endTime),
            "latest_heartbeat": nil, "model_version_id": .optional(record.modelVersionID), "resource_request_id": nil,
            "substitutions": try substitutions(ofRun: runID), "heartbeat_threshold": nil,
        ]
        return try entity(id: id, name: .string(record.name), body: body, detail: detail, metadata: {
            let parents = relations.stepParents.lookup(id) ?? []
            return ["config": JSONValue.parseStored(record.config), "spec": JSONValue.parseStored(record.spec),
                    "cache_key": .optional(record.cacheKey), "cache_expires_at": .optional(record.cacheExpiresAt),
                    "code_hash": .optional(record.codeHash), "docstring": .optional(record.docstring),
                    "source_code": .optional(record.sourceCode), "exception_info": JSONValue.parseStored(record.exceptionInfo),
                    "snapshot_id": .optional(record.snapshotID), "pipeline_run_id": .string(runID),
                    "original_step_run_id": .optional(record.originalStepRunID),
                    "parent_step_ids": .array(parents.map(JSONValue.string)), "run_metadata": JSONValue.parseStored(record.runMetadata)]
        }, resources: {
            ["user": try user(id: record.userID), "log_collection": try logCollection(column: "step_run_id", id: id),
             "model_version": try related(record.modelVersionID, modelVersion),
             "inputs": try stepArtifacts(id, direction: "input"),
             "outputs": try stepArtifacts(id, direction: "output"), "resource_request": nil]
        })
    }

    /// A step's inputs or outputs: `{name: [artifact version, …]}`; inputs also carry
    /// `input_type`, `index`, `chunk_index`, `chunk_size`.
    func stepArtifacts(_ stepID: String, direction: String) throws -> JSONValue {
        let links = relations.stepArtifacts.lookup(RelationKey(group: direction, id: stepID)) ?? []
        var result: JSONValue = [:]
        for row in links {
            let link = try StepArtifactLink(row)
            let name = link.name
            var rendered = try artifactVersion(link.version, detail: .nested)
            if direction == "input" {
                rendered["input_type"] = .string(link.inputType ?? "step_output")
                rendered["index"] = .int(link.position)
                rendered["chunk_index"] = nil
                rendered["chunk_size"] = nil
            }
            result[name] = .array((result[name]?.arrayValue ?? []) + [rendered])
        }
        return result
    }

    func artifact(_ record: ArtifactRecord, detail: Detail) throws -> JSONValue {
        let body: JSONValue = ["created": .string(record.created), "updated": .string(record.updated),
                               "user_id": .optional(record.userID), "project_id": .string(record.projectID)]
        return try entity(id: record.id, name: .string(record.name), body: body, detail: detail, metadata: {
            ["has_custom_name": .bool(record.hasCustomName)]
        }, resources: {
            let latest = relations.latestArtifactVersions.lookup(record.id) ?? nil
            return ["user": try user(id: record.userID), "tags": try tags(on: .artifact, id: record.id),
                    "latest_version_name": .optional(latest?.name), "latest_version_id": .optional(latest?.id)]
        })
    }

    func artifactVersion(_ record: ArtifactVersionRecord, detail: Detail) throws -> JSONValue {
        let nestedArtifact = try related(record.artifactID, self.artifact)
        let body: JSONValue = [
            "created": .string(record.created), "updated": .string(record.updated), "user_id": .optional(record.userID),
            "project_id": .string(record.projectID), "artifact": nestedArtifact,
            "version": .string(record.version), "uri": .string(record.uri), "type": .string(record.type),
            "materializer": JSONValue.parseStored(record.materializer), "data_type": JSONValue.parseStored(record.dataType),
            "save_type": .string(record.saveType), "artifact_store_id": .optional(record.artifactStoreID),
            "content_hash": .optional(record.contentHash),
            "item_count": (record.itemCount).map(JSONValue.int) ?? .null,
        ]
        return try entity(id: record.id, name: nil, body: body, detail: detail, metadata: {
            let visualizations = JSONValue.parseStored(record.visualizations).arrayValue ?? []
            let created: String = record.created, updated: String = record.updated
            return ["visualizations": .array(visualizations.map { viz in
                Self.envelope(id: viz["id"]?.stringValue ?? "", name: nil,
                       body: ["created": .string(created), "updated": .string(updated),
                              "type": viz["type"] ?? .null, "uri": viz["uri"] ?? .null],
                       metadata: .null, resources: .null)
            }), "run_metadata": JSONValue.parseStored(record.runMetadata)]
        }, resources: {
            let producer: String? = record.producerStepRunID
            let producerRun = producer.flatMap { relations.producerRuns.lookup($0) ?? nil }
            return ["user": try user(id: record.userID), "tags": try tags(on: .artifactVersion, id: record.id),
                    "producer_step_run_id": .optional(producer),
                    "producer_pipeline_run_id": .optional(producerRun)]
        })
    }
}
