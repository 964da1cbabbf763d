import Foundation
import Hummingbird

/// Maps every refusal of the agent API to its status and `{"detail": "…"}`, in one place.
struct AgentsErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as AgentsError {
            return Self.response(status: error.status, detail: error.message)
        } catch let error as HTTPError where error.status.code < 500 {
            return Self.response(status: Int(error.status.code), detail: error.body ?? "The request was refused.")
        }
    }

    static func response(status: Int, detail: String) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: ["detail": detail])) ?? Data()
        return Response(status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
