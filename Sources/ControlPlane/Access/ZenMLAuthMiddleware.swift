import Hummingbird
import Identity

/// Resolves `Authorization: Bearer …` to a `Principal` and enforces roles: no token is
/// a 401 with `WWW-Authenticate: Bearer` (the client's cue to log in and retry); a
/// viewer may read, log out and change only its own account; an agent's account nothing.
struct ZenMLAuthMiddleware<Context: ControlPlaneRequestContext>: RouterMiddleware {
    let identity: IdentityStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { throw ControlPlaneError.notAuthenticated }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw ControlPlaneError.notAuthenticated }
        guard let principal = try await identity.principal(forBearer: String(parts[1]).trimmingCharacters(in: .whitespaces)) else {
            throw IdentityError.credentialsNotValid("Authentication error: the access token is invalid, expired or revoked")
        }
        var context = context
        context.principal = principal
        context.logger[metadataKey: "user_id"] = .string(principal.userID)
        guard principal.role.usesWorkspace else {
            throw ControlPlaneError.forbidden("The role 'agent' may only do agent work; use another account for the ZenML API.")
        }
        if !principal.role.canWrite, !Self.isReadOnly(request.method), !Self.isSelfService(request, principal) {
            throw ControlPlaneError.forbidden("The role 'viewer' can only read resources.")
        }
        return try await next(request, context)
    }

    static func isReadOnly(_ method: HTTPRequest.Method) -> Bool { method == .get || method == .head }

    /// Writes any account may make: logging out, workload tokens, editing itself.
    static func isSelfService(_ request: Request, _ principal: Principal) -> Bool {
        let path = request.uri.path
        return path == "/api/v1/logout" || path == "/api/v1/current-user" || path == "/api/v1/users/\(principal.userID)"
            || path == "/api/v1/users/\(principal.name)"
    }
}
