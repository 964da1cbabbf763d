import ArtifactStore
import Foundation
import Hummingbird
import Logging
import NIOCore
import Storage

/// The one place MLflow API errors become responses: `{"error_code", "message"}` with
/// MLflow's status for the code. Anything unexpected is logged and answered as
/// INTERNAL_ERROR without its details.
struct MLflowErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as TrackingError {
            return Self.response(code: error.code, message: error.message, status: error.status,
                                 extraHeaders: error.code == "UNAUTHENTICATED" ? [.wwwAuthenticate: "Basic realm=\"mlflow\""] : [:])
        } catch let error as ArtifactStoreError {
            switch error {
            case .invalidPath(let m), .wrongKind(let m), .tooLarge(let m):
                return Self.response(code: "INVALID_PARAMETER_VALUE", message: m, status: .badRequest)
            case .notFound(let m):
                return Self.response(code: "RESOURCE_DOES_NOT_EXIST", message: m, status: .notFound)
            case .unsatisfiableRange(let m):
                return Self.response(code: "INVALID_PARAMETER_VALUE", message: m, status: .rangeNotSatisfiable)
            case .storage(let m):
                context.logger.error("Artifact store failed", metadata: ["error": "\(m)"])
                return Self.response(code: "INTERNAL_ERROR", message: "The artifact store failed", status: .internalServerError)
            }
        } catch let error as NIOTooManyBytesError {
            // 400, not 413/429: MLflow's client retries 429 for minutes.
            let limit = error.maxBytes.map { " of \($0) bytes" } ?? ""
            return Self.response(code: "INVALID_PARAMETER_VALUE", message: "The request body is larger than the limit\(limit)", status: .badRequest)
        } catch let error as HTTPError {
            let status = error.status.code < 500 ? HTTPResponse.Status.badRequest : error.status
            let code = status.code < 500 ? "INVALID_PARAMETER_VALUE" : "INTERNAL_ERROR"
            return Self.response(code: code, message: error.body ?? error.status.reasonPhrase, status: status)
        } catch let error where ConstraintViolation(error) == .invalidValue {
            return Self.response(code: "INVALID_PARAMETER_VALUE", message: "The request has a value the server cannot store", status: .badRequest)
        } catch {
            context.logger.error("MLflow request failed", metadata: ["error": "\(error)", "error.code": "\(ConstraintViolation.databaseCode(error) ?? "-")"])
            return Self.response(code: "INTERNAL_ERROR", message: "Internal error", status: .internalServerError)
        }
    }

    static func response(code: String, message: String, status: HTTPResponse.Status, extraHeaders: HTTPFields = [:]) -> Response {
        let object: [String: Any] = ["error_code": code, "message": message]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes])) ?? Data("{}".utf8)
        var headers: HTTPFields = [.contentType: "application/json"]
        headers.append(contentsOf: extraHeaders)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
