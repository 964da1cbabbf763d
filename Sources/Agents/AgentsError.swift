/// What the agent API refuses, with the words an operator reads in the agent's log.
public enum AgentsError: Error, Sendable, Equatable {
    case unauthenticated
    /// The caller's role may not do this (an agent's key on admin routes, anyone else's key on agent routes).
    case forbidden(String)
    case unknownAgent
    case notYours
    case revoked(String)
    case nameTaken(String)
    case badRequest(String)
    /// A run the agent reports for that no agent holds (any more).
    case unknownJob
    /// A run another agent holds.
    case notYourJob

    /// The HTTP status this refusal is answered with.
    public var status: Int {
        switch self {
        case .unauthenticated: 401
        case .forbidden, .notYours, .revoked, .notYourJob: 403
        case .unknownAgent, .unknownJob: 404
        case .nameTaken: 409
        case .badRequest: 422
        }
    }

    /// The sentence the answer's `detail` carries.
    public var message: String {
        switch self {
        case .unauthenticated: "Authentication needed: send the agent service account's API key as a bearer token."
        case .forbidden(let why): why
        case .unknownAgent: "There is no such agent; register again."
        case .notYours: "This agent was registered by another account; an agent reports only with the key that registered it."
        case .revoked(let name): "The agent '\(name)' was revoked by an admin; it may not register or report again."
        case .nameTaken(let name): "Another account's agent is registered as '\(name)'; choose another name with --name."
        case .badRequest(let why): why
        case .unknownJob: "This agent holds no such run; it was ended, cancelled or taken back when its lease ran out."
        case .notYourJob: "Another agent holds this run; only the agent that claimed a run reports for it."
        }
    }
}
