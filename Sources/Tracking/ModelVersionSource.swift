import ArtifactStore

/// Checks where a new model version's files are and what it was made from. Only sources
/// inside this server's store are accepted — `models:/m-…`, `runs:/<run>/<path>` and
/// `mlflow-artifacts:/…` — and only inside the run or logged model the request names, so a
/// version can never point at another run's files or outside the store.
struct ModelVersionSource: Sendable {
    let runs: any RunRepository
    let models: any LoggedModelRepository

    /// What a version records: where its files are and the run and model it came from.
    struct Resolved: Equatable {
        let storageLocation: String
        let runID: String?
        let modelID: String?
    }

    func resolve(source: String, runID: String?, modelID: String?) async throws -> Resolved {
        func invalid(_ why: String) -> TrackingError { .invalidParameter("Invalid model version source: '\(TrackingRules.printable(source))'. \(why)") }
        guard !source.isEmpty, source.utf8.count <= 4096 else { throw invalid("It must be a non-empty URI of at most 4096 bytes.") }
        if let modelID {
            guard let model = try await models.model(id: modelID), model.lifecycleStage == "active" else {
                throw TrackingError.notFound("Logged model with ID '\(modelID)' not found.")
            }
            let run = runID ?? (model.sourceRunID.isEmpty ? nil : model.sourceRunID)
            if source.hasPrefix("models:/") {
                guard source == "models:/\(modelID)" || source == "models:/\(modelID)/" else {
                    throw invalid("The model_id request parameter must identify the resource that contains the source.")
                }
                return Resolved(storageLocation: model.artifactLocation, runID: run, modelID: modelID)
            }
            if source.hasPrefix(ArtifactOwners.scheme) {
                let path = try artifactPath(source, invalid)
                guard ArtifactOwners.contains(model.artifactLocation, path) || source == model.artifactLocation else {
                    throw invalid("The model_id request parameter must identify the resource that contains the source.")
                }
                return Resolved(storageLocation: source, runID: run, modelID: modelID)
            }
        }
        if source.hasPrefix("models:/") {
            throw invalid("The model_id request parameter must identify the resource that contains the source.")
        }
        if source.hasPrefix("runs:/") {
            let rest = source.dropFirst("runs:/".count).split(separator: "/", maxSplits: 1).map(String.init)
            guard rest.count == 2, let id = try? TrackingRules.runID(rest[0]) else { throw invalid("Expected runs:/<run_id>/<path>.") }
            let relative = try ArtifactPath(rest[1])
            guard runID == nil || runID == id else { throw invalid("The run_id request parameter must identify the run in the source.") }
            guard let run = try await runs.run(id: id) else { throw TrackingError.notFound("Run with id=\(id) not found") }
            // MLflow 3 keeps a run's models as logged models; `runs:/<run>/<name>` names one it produced.
            for output in run.modelOutputs {
                if let model = try await models.model(id: output.modelID), model.name == relative.components[0], model.lifecycleStage == "active" {
                    let inner = relative.components.dropFirst().joined(separator: "/")
                    return Resolved(storageLocation: inner.isEmpty ? model.artifactLocation : model.artifactLocation + "/" + inner,
                                    runID: id, modelID: modelID ?? model.id)
                }
            }
            return Resolved(storageLocation: run.info.artifactURI + "/" + relative.description, runID: id, modelID: modelID)
        }
        if source.hasPrefix(ArtifactOwners.scheme) {
            let path = try artifactPath(source, invalid)
            guard let runID, let run = try await runs.run(id: runID), ArtifactOwners.contains(run.info.artifactURI, path) else {
                throw invalid("The run_id request parameter must identify the resource that contains the source.")
            }
            return Resolved(storageLocation: source, runID: runID, modelID: modelID)
        }
        throw invalid("Only models:/, runs:/ and mlflow-artifacts:/ sources inside this server's artifact store are accepted.")
    }

    /// The checked store path of an `mlflow-artifacts:/…` URI.
    func artifactPath(_ source: String, _ invalid: (String) -> TrackingError) throws -> ArtifactPath {
        let raw = String(source.dropFirst(ArtifactOwners.scheme.count))
        guard !raw.hasPrefix("/"), let path = try? ArtifactPath(raw) else { throw invalid("The path is not a plain relative path inside the store.") }
        return path
    }
}
