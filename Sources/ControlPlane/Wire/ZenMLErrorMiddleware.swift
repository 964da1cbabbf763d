import Hummingbird
import Identity
import Logging
import NIOCore
import Secrets
import Storage

/// The one place where every error reaching the ZenML API becomes ZenML's wire format:
/// `{"detail": ["<ExceptionClass>", "<message>"]}` with the status the client maps back
/// to that exception. Anything unexpected is logged and answered with a generic 500
/// that reveals nothing.
public struct ZenMLErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Creates the middleware.
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return Self.response(for: error, logger: context.logger)
        }
    }

    /// The wire response for `error`.
    static func response(for error: any Error, logger: Logger) -> Response {
        if let violation = ConstraintViolation(error) { return response(for: violation) }
        switch error {
        case let error as ControlPlaneError:
            switch error {
            case .notAuthenticated:
                return unauthenticated(["detail": "Not authenticated"])
            case let .notFound(message): return detail(.notFound, "KeyError", message)
            case let .alreadyExists(message): return detail(.conflict, "EntityExistsError", message)
            case let .invalid(message): return detail(.badRequest, "ValueError", message)
            case let .validation(message): return detail(.unprocessableContent, "ValidationError", message)
            case let .forbidden(message): return detail(.forbidden, "IllegalOperationError", message)
            case let .stateConflict(message): return detail(.preconditionFailed, "RuntimeError", message)
            }
        case let error as IdentityError:
            switch error {
            case let .credentialsNotValid(message):
                return unauthenticated(["detail": ["CredentialsNotValid", .string(message)]])
            case let .forbidden(message): return detail(.forbidden, "IllegalOperationError", message)
            case let .notFound(message): return detail(.notFound, "KeyError", message)
            case let .alreadyExists(message): return detail(.conflict, "EntityExistsError", message)
            case let .invalid(message): return detail(.badRequest, "ValueError", message)
            case let .damaged(message):
                logger.error("identity data damaged", metadata: ["problem": "\(message)"])
                return detail(.internalServerError, "RuntimeError", "Internal server error.")
            }
        case let error as SecretsError:
            switch error {
            case let .notFound(message): return detail(.notFound, "KeyError", message)
            case let .nameTaken(message): return detail(.conflict, "EntityExistsError", message)
            case let .forbidden(message): return detail(.forbidden, "IllegalOperationError", message)
            case let .invalid(message): return detail(.unprocessableContent, "ValidationError", message)
            case .keyring, .unknownKey, .tampered, .malformed:
                // Not the caller's doing: the stored value or the keyring is damaged.
                logger.error("secret store damaged", metadata: ["problem": "\(error)"])
                return detail(.internalServerError, "RuntimeError", "A stored secret cannot be opened; the operator can run `enclave secrets verify`.")
            }
        case let error as JSONSyntaxError:
            return detail(.unprocessableContent, "ValidationError", "Request body is not valid JSON: \(error)")
        case is NIOTooManyBytesError:
            return detail(.contentTooLarge, "ValueError", "Request body is larger than this server accepts.")
        case let error as HTTPError:
            // Routing failures keep FastAPI's plain form, which the client also understands.
            let text = error.status == .notFound ? "Not Found" : (error.body ?? error.status.reasonPhrase)
            return ZenMLResponse.json(["detail": .string(text)], status: error.status)
        case let error as any HTTPResponseError where error.status.code < 500:
            return detail(error.status, "ValueError", error.status.reasonPhrase)
        default:
            logger.error("unhandled error in ZenML API", metadata: ["error.type": "\(type(of: error))",
                                                                    "error.code": "\(ConstraintViolation.databaseCode(error) ?? "-")"])
            return detail(.internalServerError, "RuntimeError", "Internal server error.")
        }
    }

    /// A write the schema's rules refused: a taken name is ZenML's `EntityExistsError`.
    static func response(for violation: ConstraintViolation) -> Response {
        switch violation {
        case let .duplicate(table):
            return detail(.conflict, "EntityExistsError", "Another \(tableNouns[table] ?? "entity") with the same name already exists.")
        case .missingReference:
            return detail(.notFound, "KeyError", "The request refers to something that does not exist, or to something still in use.")
        case .invalidValue:
            return detail(.unprocessableContent, "ValidationError", "The request has a value the server cannot store.")
        }
    }

    static func detail(_ status: HTTPResponse.Status, _ exception: String, _ message: String) -> Response {
        ZenMLResponse.json(["detail": [.string(exception), .string(message)]], status: status)
    }

    static func unauthenticated(_ body: JSONValue) -> Response {
        var response = ZenMLResponse.json(body, status: .unauthorized)
        response.headers[.wwwAuthenticate] = "Bearer"
        return response
    }
}

/// What each table's rows are called in messages.
let tableNouns = [
    "users": "account", "api_keys": "API key", "projects": "project", "stacks": "stack",
    "stack_components": "stack component", "flavors": "flavor", "pipelines": "pipeline",
    "pipeline_runs": "pipeline run", "step_runs": "step run", "artifacts": "artifact",
    "artifact_versions": "artifact version", "pipeline_snapshots": "snapshot", "models": "model",
    "model_versions": "model version", "tags": "tag", "hook_invocations": "hook invocation",
]

