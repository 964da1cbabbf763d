import Hummingbird
import Identity

/// What the ZenML API needs from the server's request context: who is calling, and
/// whether the call comes from this host (activation without a setup token).
public protocol ControlPlaneRequestContext: RequestContext {
    /// The authenticated caller, set by `ZenMLAuthMiddleware`.
    var principal: Principal? { get set }
    /// Whether the peer address is a loopback address.
    var isLoopback: Bool { get }
    /// The peer's IP address as text, for the secret store's audit trail.
    var peerAddress: String? { get }
    /// The JSON body, once `RequestSchemaMiddleware` has parsed and checked it, so the
    /// handler does not parse it again.
    var checkedBody: JSONValue? { get set }
}

extension ControlPlaneRequestContext {
    /// The caller of a route behind `ZenMLAuthMiddleware`.
    func caller() throws -> Principal {
        guard let principal else { throw ControlPlaneError.notAuthenticated }
        return principal
    }
}
