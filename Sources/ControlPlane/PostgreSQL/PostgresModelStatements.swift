import PostgresNIO
import Storage

/// The model statements that run inside a PostgreSQL transaction already open, as
/// `SQLiteModelStatements` on SQLite. Version numbers are taken while holding the model's
/// row, so replicas adding versions of one model at once never compute the same number.
enum PostgresModelStatements {
    /// Inserts a model and returns its id (`UNIQUE (project_id, name)` refuses a taken name).
    static func insertModel(projectID: String, _ model: ModelFields, userID: String, _ session: PostgresSession) async throws -> String {
        let id = String.newID()
        try await session.execute(insertModelQuery(id: id, projectID: projectID, name: model.name ?? "", model, userID: userID, ifNew: false))
        return id
    }

    /// The insert of a model (ignored when `ifNew` and the name is taken).
    static func insertModelQuery(id: String, projectID: String, name: String, _ model: ModelFields, userID: String?, ifNew: Bool) -> PostgresQuery {
        let now = Timestamp.now()
        let text = Dictionary(model.columns, uniquingKeysWith: { first, _ in first })
        return """
            INSERT INTO models (id, project_id, name, license, description, audience, use_cases, limitations, trade_offs, ethics,
                save_models_to_registry, user_id, created, updated)
            VALUES (\(id), \(projectID), \(name), \(text["license"] ?? nil), \(text["description"] ?? nil), \(text["audience"] ?? nil),
                \(text["use_cases"] ?? nil), \(text["limitations"] ?? nil), \(text["trade_offs"] ?? nil), \(text["ethics"] ?? nil),
                \(model.saveModelsToRegistry ?? true), \(userID), \(now), \(now))
            \(unescaped: ifNew ? "ON CONFLICT (project_id, name) DO NOTHING" : "")
            """
    }

    /// Inserts a version numbered one past its model's highest and returns its id; without a
    /// custom name its name is its number.
    static func insertVersion(_ draft: ModelVersionDraft, userID: String, _ session: PostgresSession) async throws -> String {
        guard try await session.value("""
            SELECT id FROM models WHERE id = \(draft.modelID) AND project_id = \(draft.projectID) FOR UPDATE
            """, as: String.self) != nil else {
            throw ControlPlaneError.notFound("Unable to get model with ID '\(draft.modelID)': No model with this ID found.")
        }
        let id = String.newID(), now = Timestamp.now()
        try await session.execute("""
            INSERT INTO model_versions (id, project_id, model_id, name, number, description, stage, producer_run_id, user_id, created, updated)
            SELECT \(id), \(draft.projectID), \(draft.modelID), COALESCE(\(draft.name), CAST(COALESCE(MAX(number), 0) + 1 AS TEXT)),
                COALESCE(MAX(number), 0) + 1, \(draft.description), NULL, \(draft.name == nil ? draft.producerRunID : nil), \(userID), \(now), \(now)
            FROM model_versions WHERE model_id = \(draft.modelID)
            """)
        try await PostgresTagLinks.attach(draft.tags, to: [(.modelVersion, id)], userID: userID, session)
        return id
    }

    /// Links a model version to an artifact version or a run; the existing link's id when there is one.
    static func link(_ table: String, column: String, table other: String, noun: String, modelVersionID: String, otherID: String,
                     userID: String?, _ session: PostgresSession) async throws -> String {
        guard try await session.value("SELECT id FROM model_versions WHERE id = \(modelVersionID) FOR SHARE", as: String.self) != nil else {
            throw ControlPlaneError.notFound("Unable to get model version with ID '\(modelVersionID)': No model version with this ID found.")
        }
        guard try await session.value("SELECT id FROM \(unescaped: other) WHERE id = \(otherID) FOR SHARE", as: String.self) != nil else {
            throw ControlPlaneError.notFound("Unable to get \(noun) with ID '\(otherID)': No \(noun) with this ID found.")
        }
        let now = Timestamp.now()
        try await session.execute("""
            INSERT INTO \(unescaped: table) (id, model_version_id, \(unescaped: column), user_id, created, updated)
            VALUES (\(String.newID()), \(modelVersionID), \(otherID), \(userID), \(now), \(now))
            ON CONFLICT (model_version_id, \(unescaped: column)) DO NOTHING
            """)
        return try await session.value("""
            SELECT id FROM \(unescaped: table) WHERE model_version_id = \(modelVersionID) AND \(unescaped: column) = \(otherID)
            """, as: String.self) ?? ""
    }

    /// The version a run (or one of its steps) works on, from the `model` of its
    /// configuration, by `SQLiteModelStatements.versionForRun`'s rules.
    static func versionForRun(config: JSONValue, projectID: String, runID: String, userID: String?, _ session: PostgresSession) async throws -> String? {
        guard let model = config["model"], model.objectValue != nil else { return nil }
        if let id = model["model_version_id"]?.stringValue?.lowercased(),
           try await session.value("SELECT id FROM model_versions WHERE id = \(id)", as: String.self) != nil {
            return id
        }
        let substitutions = config["substitutions"]
        guard let rawName = model["name"]?.stringValue else { return nil }
        let name = ModelVersionDraft.substitute(rawName, substitutions)
        var fields = try ModelFields(try RequestFields(model), nameRequired: false)
        fields.name = name
        try await session.execute(insertModelQuery(id: String.newID(), projectID: projectID, name: name, fields, userID: userID, ifNew: true))
        guard let modelID = try await session.value("SELECT id FROM models WHERE project_id = \(projectID) AND name = \(name) FOR UPDATE",
                                                    as: String.self) else { return nil }
        let tags = try TagSpec.list(model["tags"], field: "tags")
        let description = model["description"]?.stringValue
        let requested: String? = {
            switch model["version"] {
            case let .string(s)?: return ModelVersionDraft.substitute(s, substitutions)
            case let .int(n)?: return String(n)
            default: return nil
            }
        }()
        if let requested {
            if let found = try await lookup(modelID: modelID, version: requested, session) { return found }
            if requested.allSatisfy(\.isNumber) || ModelStage.all.contains(requested) {
                throw ControlPlaneError.notFound("No \(requested) version found for model \(name).")
            }
            _ = try await insertVersion(ModelVersionDraft(projectID: projectID, modelID: modelID, name: requested, description: description,
                                                          tags: tags, producerRunID: nil), userID: userID ?? "", session)
            return try await lookup(modelID: modelID, version: requested, session)
        }
        if let existing = try await session.value("""
            SELECT id FROM model_versions WHERE model_id = \(modelID) AND producer_run_id = \(runID)
            """, as: String.self) {
            return existing
        }
        return try await insertVersion(ModelVersionDraft(projectID: projectID, modelID: modelID, name: nil, description: description,
                                                         tags: tags, producerRunID: runID), userID: userID ?? "", session)
    }

    /// A version of a model by number, `latest`, stage or name; nil when there is none.
    static func lookup(modelID: String, version: String, _ session: PostgresSession) async throws -> String? {
        if !version.isEmpty, version.allSatisfy(\.isNumber) {
            guard let number = Int64(version) else { return nil }
            return try await session.value("SELECT id FROM model_versions WHERE model_id = \(modelID) AND number = \(number)", as: String.self)
        }
        if version == "latest" {
            return try await session.value("SELECT id FROM model_versions WHERE model_id = \(modelID) ORDER BY number DESC LIMIT 1", as: String.self)
        }
        if ModelStage.stored.contains(version) {
            return try await session.value("""
                SELECT id FROM model_versions WHERE model_id = \(modelID) AND stage = \(version) ORDER BY number DESC LIMIT 1
                """, as: String.self)
        }
        return try await session.value("SELECT id FROM model_versions WHERE model_id = \(modelID) AND name = \(version)", as: String.self)
    }

    /// Records that `runID` works on `modelVersionID`: the run's own version (unless it has
    /// one) and the model version's list of runs.
    static func attachRun(_ runID: String, to modelVersionID: String, userID: String?, _ session: PostgresSession) async throws {
        try await session.execute("UPDATE pipeline_runs SET model_version_id = COALESCE(model_version_id, \(modelVersionID)) WHERE id = \(runID)")
        _ = try await link("model_version_pipeline_runs", column: "pipeline_run_id", table: "pipeline_runs", noun: "pipeline run",
                           modelVersionID: modelVersionID, otherID: runID, userID: userID, session)
    }
}
