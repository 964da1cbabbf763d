import ArtifactStore

/// Decides where a write through the artifact proxy may land: only inside the artifact
/// root of an active run, logged model or trace (found by the id in the path and checked against
/// that owner's recorded location), never elsewhere in the store.
struct ArtifactOwners: Sendable {
    let runs: any RunRepository
    let models: any LoggedModelRepository
    let traces: any TraceRepository
    static let scheme = "mlflow-artifacts:/"

    /// Throws `permissionDenied` unless `path` lies inside an active run's or logged model's root.
    func requireWritable(_ path: ArtifactPath) async throws {
        for component in path.components {
            if component.utf8.count == 32, let run = try? TrackingRules.runID(component), let found = try await runs.run(id: run) {
                if found.info.lifecycleStage == "active", Self.contains(found.info.artifactURI, path) { return }
            } else if component.hasPrefix("tr-"), let id = try? TrackingRules.traceID(component),
                      let trace = try await traces.trace(id: id),
                      let location = trace.tags.last(where: { $0.key == TraceInfo.artifactLocationTag })?.value {
                if Self.contains(location, path) { return }
            } else if component.hasPrefix("m-"), let id = try? TrackingRules.modelID(component), let model = try await models.model(id: id) {
                if model.lifecycleStage == "active", Self.contains(model.artifactLocation, path) { return }
            }
        }
        throw TrackingError.permissionDenied("Artifacts can only be written inside the artifact location of an active run or logged model; '\(path)' is not.")
    }

    /// Whether `path` is inside the proxied location `uri` (`mlflow-artifacts:/<root>`).
    static func contains(_ uri: String, _ path: ArtifactPath) -> Bool {
        guard uri.hasPrefix(scheme) else { return false }
        let root = uri.dropFirst(scheme.count).split(separator: "/").map(String.init)
        return path.components.count > root.count && path.components.starts(with: root)
    }
}
