import Hummingbird
import Identity
import NIOCore

/// What the MLflow routes need of the request context: the authenticated caller.
public protocol TrackingRequestContext: RequestContext {
    var principal: Principal? { get set }
    /// The event loop of the caller's connection, which paces large downloads.
    var connectionEventLoop: (any EventLoop)? { get }
}
