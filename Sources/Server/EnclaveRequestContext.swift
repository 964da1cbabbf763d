import ControlPlane
import Dashboard
import Hummingbird
import Identity
import NIOCore
import Tracking

/// The request context of every Enclave route: Hummingbird's core storage, the peer
/// address, and the caller once authenticated.
public struct EnclaveRequestContext: RequestContext, RemoteAddressRequestContext, ControlPlaneRequestContext, TrackingRequestContext,
    DashboardRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    public var principal: Principal?
    public var checkedBody: JSONValue?
    public let connectionEventLoop: (any EventLoop)?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        principal = nil
        checkedBody = nil
        connectionEventLoop = source.channel.eventLoop
    }

    public var peerAddress: String? { remoteAddress?.ipAddress }

    /// Loopback peers (127.0.0.0/8, ::1, and unix sockets) count as this host.
    public var isLoopback: Bool {
        switch remoteAddress {
        case let .v4(address)?:
            return (UInt32(bigEndian: address.address.sin_addr.s_addr) >> 24) == 127
        case let .v6(address)?:
            let bytes = withUnsafeBytes(of: address.address.sin6_addr) { Array($0) }
            let mappedV4 = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF && bytes[12] == 127
            return bytes == Array(repeating: 0, count: 15) + [1] || mappedV4
        case .unixDomainSocket?: return true
        default: return false
        }
    }
}
