import GRDB

extension WireRenderer {
    /// The `substitutions` of a run's configuration (`date`, `time`, …), cached per response.
    func substitutions(ofRun runID: String) throws -> JSONValue {
        if let cached = runConfigs[runID] { return cached }
        let config = JSONValue.parseStored(try String.fetchOne(db, sql: "SELECT config FROM pipeline_runs WHERE id = ?", arguments: [runID]))
        let value = config["substitutions"] ?? [:]
        runConfigs[runID] = value
        return value
    }

    func step(_ row: Row, detail: Detail) throws -> JSONValue {
        let id: String = row["id"]
        let runID: String = row["pipeline_run_id"]
        let body: JSONValue = [
            "created": .string(row["created"]), "updated": .string(row["updated"]), "user_id": .optional(row["user_id"] as String?),
            "project_id": .string(row["project_id"]), "type": nil, "status": .string(row["status"]), "version": .int(row["version"]),
            "is_retriable": false, "start_time": .optional(row["start_time"] as String?), "end_time": .optional(row["end_time"] as String?),
            "latest_heartbeat": nil, "model_version_id": nil, "resource_request_id": nil,
            "substitutions": try substitutions(ofRun: runID), "heartbeat_threshold": nil,
        ]
        return try entity(id: id, name: .string(row["name"]), body: body, detail: detail, metadata: {
            let parents = try String.fetchAll(db, sql: "SELECT parent_id FROM step_run_parents WHERE step_run_id = ? ORDER BY rowid", arguments: [id])
            return ["config": JSONValue.parseStored(row["config"]), "spec": JSONValue.parseStored(row["spec"]),
                    "cache_key": .optional(row["cache_key"] as String?), "cache_expires_at": .optional(row["cache_expires_at"] as String?),
                    "code_hash": .optional(row["code_hash"] as String?), "docstring": .optional(row["docstring"] as String?),
                    "source_code": .optional(row["source_code"] as String?), "exception_info": JSONValue.parseStored(row["exception_info"]),
                    "snapshot_id": .optional(row["snapshot_id"] as String?), "pipeline_run_id": .string(runID),
                    "original_step_run_id": .optional(row["original_step_run_id"] as String?),
                    "parent_step_ids": .array(parents.map(JSONValue.string)), "run_metadata": JSONValue.parseStored(row["run_metadata"])]
        }, resources: {
            ["user": try user(id: row["user_id"]), "log_collection": try logCollection(column: "step_run_id", id: id),
             "model_version": nil, "inputs": try stepArtifacts(id, direction: "input"),
             "outputs": try stepArtifacts(id, direction: "output"), "resource_request": nil]
        })
    }

    /// A step's inputs or outputs: `{name: [artifact version, …]}`; inputs also carry
    /// `input_type`, `index`, `chunk_index`, `chunk_size`.
    func stepArtifacts(_ stepID: String, direction: String) throws -> JSONValue {
        let links = try Row.fetchAll(db, sql: """
            SELECT l.name, l.position, l.input_type, v.* FROM step_run_artifacts l
            JOIN artifact_versions v ON v.id = l.artifact_version_id
            WHERE l.step_run_id = ? AND l.direction = ? ORDER BY l.name, l.position
            """, arguments: [stepID, direction])
        var result: JSONValue = [:]
        for link in links {
            let name: String = link["name"]
            var rendered = try artifactVersion(link, detail: .nested)
            if direction == "input" {
                rendered["input_type"] = .string(link["input_type"] ?? "step_output")
                rendered["index"] = .int(link["position"])
                rendered["chunk_index"] = nil
                rendered["chunk_size"] = nil
            }
            result[name] = .array((result[name]?.arrayValue ?? []) + [rendered])
        }
        return result
    }

    func artifact(_ row: Row, detail: Detail) throws -> JSONValue {
        let body: JSONValue = ["created": .string(row["created"]), "updated": .string(row["updated"]),
                               "user_id": .optional(row["user_id"] as String?), "project_id": .string(row["project_id"])]
        return try entity(id: row["id"], name: .string(row["name"]), body: body, detail: detail, metadata: {
            ["has_custom_name": .bool(row["has_custom_name"])]
        }, resources: {
            let latest = try Row.fetchOne(db, sql: """
                SELECT id, version FROM artifact_versions WHERE artifact_id = ?
                ORDER BY version_number IS NULL, version_number DESC, created DESC LIMIT 1
                """, arguments: [row["id"]])
            return ["user": try user(id: row["user_id"]), "tags": [],
                    "latest_version_name": .optional(latest?["version"] as String?), "latest_version_id": .optional(latest?["id"] as String?)]
        })
    }

    func artifactVersion(_ row: Row, detail: Detail) throws -> JSONValue {
        let artifactRow = try self.row("artifacts", id: row["artifact_id"], noun: "artifact")
        let body: JSONValue = [
            "created": .string(row["created"]), "updated": .string(row["updated"]), "user_id": .optional(row["user_id"] as String?),
            "project_id": .string(row["project_id"]), "artifact": try artifact(artifactRow, detail: .nested),
            "version": .string(row["version"]), "uri": .string(row["uri"]), "type": .string(row["type"]),
            "materializer": JSONValue.parseStored(row["materializer"]), "data_type": JSONValue.parseStored(row["data_type"]),
            "save_type": .string(row["save_type"]), "artifact_store_id": .optional(row["artifact_store_id"] as String?),
            "content_hash": .optional(row["content_hash"] as String?),
            "item_count": (row["item_count"] as Int64?).map(JSONValue.int) ?? .null,
        ]
        return try entity(id: row["id"], name: nil, body: body, detail: detail, metadata: {
            let visualizations = JSONValue.parseStored(row["visualizations"]).arrayValue ?? []
            return ["visualizations": .array(visualizations.map { viz in
                Self.envelope(id: viz["id"]?.stringValue ?? "", name: nil,
                       body: ["created": .string(row["created"]), "updated": .string(row["updated"]),
                              "type": viz["type"] ?? .null, "uri": viz["uri"] ?? .null],
                       metadata: .null, resources: .null)
            }), "run_metadata": JSONValue.parseStored(row["run_metadata"])]
        }, resources: {
            let producer: String? = row["producer_step_run_id"]
            let producerRun = try producer.flatMap {
                try String.fetchOne(db, sql: "SELECT pipeline_run_id FROM step_runs WHERE id = ?", arguments: [$0])
            }
            return ["user": try user(id: row["user_id"]), "tags": [], "producer_step_run_id": .optional(producer),
                    "producer_pipeline_run_id": .optional(producerRun)]
        })
    }
}
