import Hummingbird

/// An error of the MLflow API, with MLflow's `error_code` and the HTTP status MLflow
/// gives it (RESOURCE_ALREADY_EXISTS is 400 there, not 409).
public enum TrackingError: Error, Equatable, Sendable {
    case invalidParameter(String)
    case notFound(String)
    case alreadyExists(String)
    case unauthenticated(String)
    case permissionDenied(String)
    case endpointNotFound(String)
    case notImplemented(String)
    case rangeNotSatisfiable(String)

    /// MLflow's `error_code`.
    public var code: String {
        switch self {
        case .invalidParameter: "INVALID_PARAMETER_VALUE"
        case .notFound: "RESOURCE_DOES_NOT_EXIST"
        case .alreadyExists: "RESOURCE_ALREADY_EXISTS"
        case .unauthenticated: "UNAUTHENTICATED"
        case .permissionDenied: "PERMISSION_DENIED"
        case .endpointNotFound: "ENDPOINT_NOT_FOUND"
        case .notImplemented: "NOT_IMPLEMENTED"
        case .rangeNotSatisfiable: "INVALID_PARAMETER_VALUE"
        }
    }

    /// The HTTP status MLflow answers this code with.
    public var status: HTTPResponse.Status {
        switch self {
        case .invalidParameter, .alreadyExists: .badRequest
        case .notFound, .endpointNotFound: .notFound
        case .unauthenticated: .unauthorized
        case .permissionDenied: .forbidden
        case .notImplemented: .notImplemented
        case .rangeNotSatisfiable: .rangeNotSatisfiable
        }
    }

    /// The human-readable message.
    public var message: String {
        switch self {
        case .invalidParameter(let m), .notFound(let m), .alreadyExists(let m), .unauthenticated(let m), .permissionDenied(let m), .endpointNotFound(let m),
             .notImplemented(let m), .rangeNotSatisfiable(let m): m
        }
    }
}
