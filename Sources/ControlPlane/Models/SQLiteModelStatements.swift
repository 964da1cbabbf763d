import GRDB
import Storage

/// The model statements that run inside a write transaction already open — creating a
/// run that declares a `Model` makes its model and version in the same transaction as the
/// run. SQLite's side of `ModelRepository`; the statements are portable SQL.
enum SQLiteModelStatements {
    /// Inserts a model and returns its id (`UNIQUE (project_id, name)` refuses a taken name).
    static func insertModel(projectID: String, _ model: ModelFields, userID: String, db: GRDB.Database) throws -> String {
        let id = String.newID(), now = Timestamp.now()
        let values: [DatabaseValueConvertible?] = [id, projectID, model.name] + model.columns.map(\.1)
            + [model.saveModelsToRegistry ?? true, userID, now, now]
        try db.execute(sql: """
            INSERT INTO models (id, project_id, name, license, description, audience, use_cases, limitations, trade_offs, ethics,
            save_models_to_registry, user_id, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: StatementArguments(values))
        return id
    }

    /// Inserts a version numbered one past its model's highest and returns its id; without a
    /// custom name its name is its number.
    static func insertVersion(_ draft: ModelVersionDraft, userID: String, db: GRDB.Database) throws -> String {
        guard try String.fetchOne(db, sql: "SELECT id FROM models WHERE id = ? AND project_id = ?", arguments: [draft.modelID, draft.projectID]) != nil else {
            throw ControlPlaneError.notFound("Unable to get model with ID '\(draft.modelID)': No model with this ID found.")
        }
        let id = String.newID(), now = Timestamp.now()
        try db.execute(sql: """
            INSERT INTO model_versions (id, project_id, model_id, name, number, description, stage, producer_run_id, user_id, created, updated)
            SELECT ?, ?, ?, COALESCE(?, CAST(COALESCE(MAX(number), 0) + 1 AS TEXT)), COALESCE(MAX(number), 0) + 1, ?, NULL, ?, ?, ?, ?
            FROM model_versions WHERE model_id = ?
            """, arguments: [id, draft.projectID, draft.modelID, draft.name, draft.description,
                             draft.name == nil ? draft.producerRunID : nil, userID, now, now, draft.modelID])
        try TagLinks.attach(draft.tags, to: [(.modelVersion, id)], userID: userID, db: db)
        return id
    }

    /// Links a model version to an artifact version or a run; the existing link's id when
    /// there is one already.
    static func link(_ table: String, column: String, table other: String, noun: String, modelVersionID: String, otherID: String,
                     userID: String?, db: GRDB.Database) throws -> String {
        guard try String.fetchOne(db, sql: "SELECT id FROM model_versions WHERE id = ?", arguments: [modelVersionID]) != nil else {
            throw ControlPlaneError.notFound("Unable to get model version with ID '\(modelVersionID)': No model version with this ID found.")
        }
        guard try String.fetchOne(db, sql: "SELECT id FROM \(other) WHERE id = ?", arguments: [otherID]) != nil else {
            throw ControlPlaneError.notFound("Unable to get \(noun) with ID '\(otherID)': No \(noun) with this ID found.")
        }
        let now = Timestamp.now()
        try db.execute(sql: """
            INSERT INTO \(table) (id, model_version_id, \(column), user_id, created, updated) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (model_version_id, \(column)) DO NOTHING
            """, arguments: [String.newID(), modelVersionID, otherID, userID, now, now])
        return try String.fetchOne(db, sql: "SELECT id FROM \(table) WHERE model_version_id = ? AND \(column) = ?",
                                   arguments: [modelVersionID, otherID]) ?? ""
    }

    /// The version a run (or one of its steps) works on, from the `model` of its
    /// configuration: the model is made on first use; no version means a new numbered one for
    /// this run (one per run, however many steps ask); a number, `latest` or a stage must
    /// exist; any other name is made on first use. Nil when the configuration has no model.
    static func versionForRun(config: JSONValue, projectID: String, runID: String, userID: String?, db: GRDB.Database) throws -> String? {
        guard let model = config["model"], model.objectValue != nil else { return nil }
        if let id = model["model_version_id"]?.stringValue?.lowercased(),
           try String.fetchOne(db, sql: "SELECT id FROM model_versions WHERE id = ?", arguments: [id]) != nil {
            return id
        }
        let substitutions = config["substitutions"]
        guard let rawName = model["name"]?.stringValue else { return nil }
        let name = ModelVersionDraft.substitute(rawName, substitutions)
        var fields = try ModelFields(try RequestFields(model), nameRequired: false)
        fields.name = name
        let now = Timestamp.now()
        let values: [DatabaseValueConvertible?] = [String.newID(), projectID, name] + fields.columns.map(\.1)
            + [fields.saveModelsToRegistry ?? true, userID, now, now]
        try db.execute(sql: """
            INSERT INTO models (id, project_id, name, license, description, audience, use_cases, limitations, trade_offs, ethics,
            save_models_to_registry, user_id, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (project_id, name) DO NOTHING
            """, arguments: StatementArguments(values))
        guard let modelID = try String.fetchOne(db, sql: "SELECT id FROM models WHERE project_id = ? AND name = ?", arguments: [projectID, name]) else {
            return nil
        }
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
            if let found = try lookup(modelID: modelID, version: requested, db: db) { return found }
            if requested.allSatisfy(\.isNumber) || ModelStage.all.contains(requested) {
                throw ControlPlaneError.notFound("No \(requested) version found for model \(name).")
            }
            _ = try insertVersion(ModelVersionDraft(projectID: projectID, modelID: modelID, name: requested, description: description,
                                                    tags: tags, producerRunID: nil), userID: userID ?? "", db: db)
            return try lookup(modelID: modelID, version: requested, db: db)
        }
        if let existing = try String.fetchOne(db, sql: "SELECT id FROM model_versions WHERE model_id = ? AND producer_run_id = ?",
                                               arguments: [modelID, runID]) {
            return existing
        }
        return try insertVersion(ModelVersionDraft(projectID: projectID, modelID: modelID, name: nil, description: description,
                                                   tags: tags, producerRunID: runID), userID: userID ?? "", db: db)
    }

    /// A version of a model by number, `latest`, stage or name; nil when there is none.
    static func lookup(modelID: String, version: String, db: GRDB.Database) throws -> String? {
        if !version.isEmpty, version.allSatisfy(\.isNumber) {
            guard let number = Int64(version) else { return nil }
            return try String.fetchOne(db, sql: "SELECT id FROM model_versions WHERE model_id = ? AND number = ?", arguments: [modelID, number])
        }
        if version == "latest" {
            return try String.fetchOne(db, sql: "SELECT id FROM model_versions WHERE model_id = ? ORDER BY number DESC LIMIT 1", arguments: [modelID])
        }
        if ModelStage.stored.contains(version) {
            return try String.fetchOne(db, sql: "SELECT id FROM model_versions WHERE model_id = ? AND stage = ? ORDER BY number DESC LIMIT 1",
                                       arguments: [modelID, version])
        }
        return try String.fetchOne(db, sql: "SELECT id FROM model_versions WHERE model_id = ? AND name = ?", arguments: [modelID, version])
    }

    /// Records that `runID` works on `modelVersionID`: the run's own version (unless it has
    /// one) and the model version's list of runs.
    static func attachRun(_ runID: String, to modelVersionID: String, userID: String?, db: GRDB.Database) throws {
        try db.execute(sql: "UPDATE pipeline_runs SET model_version_id = COALESCE(model_version_id, ?) WHERE id = ?", arguments: [modelVersionID, runID])
        _ = try link("model_version_pipeline_runs", column: "pipeline_run_id", table: "pipeline_runs", noun: "pipeline run",
                     modelVersionID: modelVersionID, otherID: runID, userID: userID, db: db)
    }
}
