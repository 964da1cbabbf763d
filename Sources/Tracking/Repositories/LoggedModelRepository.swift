/// Where MLflow 3 logged models are stored, with their tags, params and the metrics logged
/// against them.
public protocol LoggedModelRepository: Sendable {
    /// Stores a new model; an unknown experiment is `notFound`, a deleted one `invalidParameter`.
    func create(_ model: LoggedModel) async throws
    func model(id: String) async throws -> LoggedModel?
    /// Sets the status (finalizing the model); nil when there is no such model.
    func setStatus(id: String, status: String, message: String?) async throws -> LoggedModel?
    func setTags(id: String, _ tags: [KeyValue]) async throws
    func deleteTag(id: String, key: String) async throws
    func logParams(id: String, _ params: [KeyValue]) async throws
    /// Marks the model deleted; false when there is no such model.
    func delete(id: String) async throws -> Bool
    /// Active models of the experiments matching `filter`, in `order` then newest first.
    func models(experimentIDs: [Int64], filter: SearchFilter, order: [SearchOrder], offset: Int, limit: Int) async throws -> [LoggedModel]
}
