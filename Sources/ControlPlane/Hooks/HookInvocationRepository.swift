import Storage

/// A hook the client ran (on failure, on success, init, cleanup…) and how it went.
struct HookInvocationDraft: Sendable {
    var id: String
    var project: String
    var pipelineRunID: String
    var stepRunID: String?
    var hookType: String
    var name: String?
    var status: String
    var startTime: String
    var endTime: String?
    var source: String?
    var exceptionInfo: JSONValue?
    var outputs: JSONValue
    /// The logs the hook wrote (created by the client before the invocation), linked to it.
    var logsID: String?
    var userID: String
}

/// Where hook invocations are kept. The id comes from the client; a second one with the
/// same id is refused by the primary key (`alreadyExists`), never checked beforehand.
protocol HookInvocationRepository: Sendable {
    /// Stores the invocation; `notFound` when its project, run or step does not exist.
    func create(_ draft: HookInvocationDraft) async throws
    /// Removes it; false when there was none.
    func delete(id: String) async throws -> Bool
}
