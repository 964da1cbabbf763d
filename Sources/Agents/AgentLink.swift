import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// The agent's one outbound link to the control plane: plain HTTPS requests (long-poll, not
/// WebSocket, so any HTTP proxy that forwards HTTPS carries it), authenticated with the
/// agent account's API key as a bearer token.
public final class AgentLink: Sendable {
    let server: String
    let key: String
    let client: HTTPClient

    /// A link to `server` (`https://host:port` or `http://…`) with `key`, through the proxy
    /// the environment names (`https_proxy`/`http_proxy`, minus `no_proxy`), trusting
    /// `caFile` besides the system's roots when given.
    public init(server: String, key: String, caFile: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        var base = server
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base), let scheme = url.scheme, ["http", "https"].contains(scheme), let host = url.host else {
            throw AgentFailure.setting("--server must be an http:// or https:// address, not '\(server)'.")
        }
        self.server = base
        self.key = key
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
        configuration.redirectConfiguration = .disallow
        if let caFile {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(caFile)
            configuration.tlsConfiguration = tls
        }
        configuration.proxy = try Self.proxy(for: scheme, host: host, environment: environment)
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// The proxy for `scheme` requests to `host` the usual variables name, or nil.
    static func proxy(for scheme: String, host: String, environment: [String: String]) throws -> HTTPClient.Configuration.Proxy? {
        let names = scheme == "https" ? ["https_proxy", "HTTPS_PROXY"] : ["http_proxy", "HTTP_PROXY"]
        guard let value = names.lazy.compactMap({ environment[$0] }).first(where: { !$0.isEmpty }) else { return nil }
        let skipped = (environment["no_proxy"] ?? environment["NO_PROXY"] ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if skipped.contains(where: { $0 == "*" || host.lowercased() == $0 || ($0.hasPrefix(".") && host.lowercased().hasSuffix($0)) }) {
            return nil
        }
        guard let url = URL(string: value.contains("://") ? value : "http://" + value), url.scheme == "http", let proxyHost = url.host else {
            throw AgentFailure.setting("The proxy must be a plain http:// proxy address, not '\(value)'.")
        }
        let port = url.port ?? 80
        if let user = url.user {
            return .server(host: proxyHost, port: port, authorization: .basic(username: user.removingPercentEncoding ?? user,
                                                                                password: url.password?.removingPercentEncoding ?? ""))
        }
        return .server(host: proxyHost, port: port)
    }

    /// POSTs `body` to `path` and waits up to `deadline` seconds (the client keeps retrying a
    /// connection until then); the answer's JSON object, or `AgentFailure`.
    func post(_ path: String, _ body: [String: Any], deadline: Int64 = 5) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: server + path)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "enclave-agent")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await client.execute(request, timeout: .seconds(deadline))
            bytes = try await response.body.collect(upTo: 1 << 20)
        } catch {
            throw AgentFailure.unreachable("\(error)")
        }
        let object = (try? JSONSerialization.jsonObject(with: Data(buffer: bytes))) as? [String: Any]
        switch response.status.code {
        case 200..<300:
            guard let object else { throw AgentFailure.unreachable("the server's answer was not JSON") }
            return object
        case 400..<500:
            throw AgentFailure.refused(status: Int(response.status.code), detail: object?["detail"] as? String ?? "HTTP \(response.status.code)")
        default:
            throw AgentFailure.unreachable("HTTP \(response.status.code)")
        }
    }

    /// Closes the connections.
    public func close() async {
        try? await client.shutdown()
    }
}

/// Why the agent could not talk to the control plane.
public enum AgentFailure: Error, CustomStringConvertible {
    /// A setting of the agent is wrong; nothing was sent.
    case setting(String)
    /// The server refused (4xx), with its reason.
    case refused(status: Int, detail: String)
    /// The server could not be reached or failed (network, proxy, 5xx): try again later.
    case unreachable(String)

    public var description: String {
        switch self {
        case .setting(let text): text
        case .refused(let status, let detail): "the server refused (\(status)): \(detail)"
        case .unreachable(let why): "the server is unreachable: \(why)"
        }
    }
}
