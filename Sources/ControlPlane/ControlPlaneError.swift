/// What the control plane refuses, typed; `ZenMLErrorMiddleware` turns each case into
/// the exception name and status the ZenML client expects.
public enum ControlPlaneError: Error, Sendable, Equatable {
    /// No request credentials at all (401, `{"detail": "Not authenticated"}`).
    case notAuthenticated
    /// An id or name that matches nothing (404, `KeyError`).
    case notFound(String)
    /// A name or version already taken (409, `EntityExistsError`).
    case alreadyExists(String)
    /// A well-formed request the rules refuse (400, `ValueError`).
    case invalid(String)
    /// A body, field or query value of the wrong shape (422, `ValidationError`).
    case validation(String)
    /// Not allowed for this caller or in this state (403, `IllegalOperationError`).
    case forbidden(String)
    /// A change the current state rules out until the caller insists, such as taking a model
    /// stage another version holds without `force` (412; the client raises `RuntimeError`,
    /// which is what its CLI catches to offer forcing).
    case stateConflict(String)

    /// ZenML's not-found answer for the `noun` with `id` (404, `KeyError`).
    static func missing(_ noun: String, id: String) -> ControlPlaneError {
        .notFound("Unable to get \(noun) with ID '\(id)': No \(noun) with this ID found.")
    }
}

extension ControlPlaneError {
    /// The refusal's own words, for pages that show it outside ZenML's wire format.
    public var sentence: String {
        switch self {
        case .notAuthenticated: "Not authenticated."
        case .notFound(let text), .alreadyExists(let text), .invalid(let text), .validation(let text), .forbidden(let text),
             .stateConflict(let text): text
        }
    }
}
