import Hummingbird
import Identity

/// What the MLflow routes need of the request context: the authenticated caller.
public protocol TrackingRequestContext: RequestContext {
    var principal: Principal? { get set }
}
