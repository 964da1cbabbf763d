import Foundation
import Hummingbird

/// Maps every refusal of the agent API to its status and `{"detail": "…"}`, in one place.
struct AgentsErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as AgentsError {
            return agentsAnswer(["detail": error.message], status: .init(code: error.status))
        } catch let error as HTTPError where error.status.code < 500 {
            return agentsAnswer(["detail": error.body ?? "The request was refused."], status: error.status)
        }
    }
}
