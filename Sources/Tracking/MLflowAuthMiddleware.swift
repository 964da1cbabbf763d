import Foundation
import Hummingbird
import Identity

/// Every MLflow route sits behind this: HTTP basic auth with an Enclave user's name and
/// password (`MLFLOW_TRACKING_USERNAME`/`PASSWORD`), or a bearer credential that is an
/// Enclave API key or access token (`MLFLOW_TRACKING_TOKEN`). No credentials is 401 with
/// `WWW-Authenticate`; a viewer may read (searches are POSTs, and reads) but not write.
struct MLflowAuthMiddleware<Context: TrackingRequestContext>: RouterMiddleware {
    let identity: IdentityStore
    /// Checks multipart part URLs, which carry a signature instead of credentials.
    let parts: MultipartPartSigner?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.method == .put, request.uri.path.contains("/mlflow-artifacts/mpu/part/") {
            guard let parts, parts.isSigned(request) else {
                throw TrackingError.unauthenticated("This part URL is not signed for this upload and part.")
            }
            return try await next(request, context)
        }
        guard let header = request.headers[.authorization], let principal = try await principal(from: header) else {
            throw TrackingError.unauthenticated("You are not authenticated. Please see the documentation for details: set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN to an Enclave API key.")
        }
        guard principal.role.usesWorkspace else {
            throw TrackingError.permissionDenied("Permission denied: the role 'agent' may only do agent work.")
        }
        if !principal.role.canWrite, !Self.isRead(request) {
            throw TrackingError.permissionDenied("Permission denied: the role 'viewer' can only read.")
        }
        var context = context
        context.principal = principal
        context.logger[metadataKey: "user_id"] = .string(principal.userID)
        return try await next(request, context)
    }

    func principal(from header: String) async throws -> Principal? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let credential = parts[1].trimmingCharacters(in: .whitespaces)
        switch parts[0].lowercased() {
        case "basic":
            guard credential.utf8.count <= 2048, let data = Data(base64Encoded: credential),
                  let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":") else { return nil }
            return try await identity.principal(username: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
        case "bearer":
            return try await identity.principal(forAPIKeyOrToken: credential)
        default:
            return nil
        }
    }

    /// GETs, and the POST endpoints that only read (searches).
    static func isRead(_ request: Request) -> Bool {
        if request.method == .get || request.method == .head { return true }
        let path = request.uri.path
        return request.method == .post && (path.hasSuffix("/search") || path.hasSuffix("/get-latest-versions"))
    }
}
