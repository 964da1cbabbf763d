/// Where traces and their spans are stored. A trace's record and its spans arrive in
/// either order; each write merges with what is there.
public protocol TraceRepository: Sendable {
    /// Records (or completes) a trace; its tags and metadata merge with earlier ones. When
    /// spans are already stored, the trace is tagged as having them here.
    func start(_ info: TraceInfo) async throws -> TraceInfo
    /// Stores spans (replacing a span sent again) and tags their recorded traces.
    func addSpans(_ spans: [ReceivedSpan], experimentID: Int64?) async throws
    func trace(id: String) async throws -> TraceInfo?
    /// The stored spans of each trace, by start time.
    func spans(traceIDs: [String]) async throws -> [String: [ReceivedSpan]]
    /// Traces of the experiments matching `filter`, in `order` then newest first.
    func traces(experimentIDs: [Int64], filter: SearchFilter, order: [SearchOrder], offset: Int, limit: Int) async throws -> [TraceInfo]
    func setTag(id: String, _ tag: KeyValue) async throws
    func deleteTag(id: String, key: String) async throws
    /// Deletes the named traces, or an experiment's traces older than `before` (at most
    /// `limit`), with their spans; returns how many went.
    func delete(experimentID: Int64, ids: [String], before: Int64?, limit: Int?) async throws -> Int
}
