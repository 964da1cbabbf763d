import Hummingbird
import Logging
import Prometheus
import Storage

/// Logs one structured line per request (method, path without the query, matched
/// route, status, duration, caller) and counts it into the Prometheus registry by
/// route. Headers, query strings and bodies are never logged: they can carry secrets.
struct RequestObservationMiddleware<Context: RequestContext>: RouterMiddleware {
    let registry: PrometheusCollectorRegistry
    static var buckets: [Duration] {
        [.microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
         .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5)]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var status = 500
        var route = "unmatched"
        defer {
            let elapsed = ContinuousClock.now - start
            let labels = [("method", request.method.rawValue), ("route", route), ("status", String(status))]
            registry.makeCounter(descriptor: .init(namespace: "enclave", subsystem: "http", metricName: "requests", unitName: "total", helpText: "HTTP requests by route and status"),
                                 labels: labels).increment()
            registry.makeDurationHistogram(descriptor: .init(namespace: "enclave", subsystem: "http", metricName: "request_duration", unitName: "seconds",
                                                             helpText: "Server time per request by route"),
                                           labels: [("method", request.method.rawValue), ("route", route)], buckets: Self.buckets)
                .record(elapsed)
            let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
            context.logger.info("request", metadata: [
                "method": .string(request.method.rawValue), "path": .string(request.uri.path), "route": .string(route),
                "status": .stringConvertible(status), "duration_ms": .string("\(micros / 1000).\(Timestamp.pad(micros % 1000, 3))"),
            ])
        }
        do {
            let response = try await next(request, context)
            status = Int(response.status.code)
            route = context.endpointPath ?? "unmatched"
            return response
        } catch let error as any HTTPResponseError {
            status = Int(error.status.code)
            route = context.endpointPath ?? "unmatched"
            throw error
        } catch {
            route = context.endpointPath ?? "unmatched"
            throw error
        }
    }
}
