import Hummingbird

/// Checks the JSON body of every route that ZenML declares one for against ZenML's own
/// schema before the handler runs, so a body the real server refuses with a 422 is
/// refused here the same way, whatever the handler reads of it.
struct RequestSchemaMiddleware<Context: ControlPlaneRequestContext>: RouterMiddleware {
    let validator: RequestSchemaValidator
    /// Largest body read, as for every other body.
    let limit: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post || request.method == .put || request.method == .patch,
              let route = context.endpointPath,
              let schema = validator.schema(method: request.method.rawValue, path: route.hasPrefix("/") ? route : "/" + route)
        else { return try await next(request, context) }
        var request = request
        let buffer = try await request.collectBody(upTo: limit)
        let body = buffer.readableBytes == 0 ? nil : try JSONValue.parse(buffer.readableBytesView)
        try validator.validate(body, against: schema)
        var context = context
        context.checkedBody = body
        return try await next(request, context)
    }
}
