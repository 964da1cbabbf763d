import Hummingbird
import Identity

/// OAuth's device flow, as `zenml login http://HOST` runs it: the client asks for codes, the
/// person approves the user code in the dashboard (`/devices/verify`), and the client's polls
/// of `/login` turn into a token once approved.
extension AuthController {
    static var deviceCodeGrant: String { "urn:ietf:params:oauth:grant-type:device_code" }

    /// `POST /device_authorization` (form: `client_id`): fresh codes and where to approve them.
    @Sendable func deviceAuthorization(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(upTo: 16 * 1024)
        let form = Dictionary(FormEncoding.pairs(Substring(String(buffer: buffer))), uniquingKeysWith: { _, last in last })
        guard let client = form["client_id"], !client.isEmpty else { throw HTTPError(.badRequest, message: "client_id is required.") }
        var details = Self.deviceDetails(userAgent: request.headers[.userAgent] ?? "")
        details.ipAddress = context.peerAddress
        let codes = try await identity.authorizeDevice(clientID: client, details: details)
        return ZenMLResponse.json([
            "device_code": .string(codes.deviceCode), "user_code": .string(codes.userCode), "verification_uri": "/devices/verify",
            "verification_uri_complete": .string("/devices/verify?device_id=\(codes.deviceID)&user_code=\(codes.userCode)"),
            "expires_in": .int(Int64(codes.expiresIn)), "interval": .int(Int64(codes.interval)),
        ])
    }

    /// The device-code grant: OAuth's `{"error": "authorization_pending"}` (400) until approved.
    func deviceLogin(_ form: [String: String]) async throws -> Response {
        guard let code = form["device_code"], let client = form["client_id"] else {
            return ZenMLResponse.json(["error": "invalid_request", "error_description": "device_code and client_id are required.", "error_uri": nil],
                                      status: .badRequest)
        }
        do {
            let (issued, device) = try await identity.login(deviceCode: code, clientID: client)
            return ZenMLResponse.json([
                "access_token": .string(issued.token), "token_type": "bearer", "expires_in": .int(Int64(issued.expiresIn)),
                "refresh_token": nil, "csrf_token": nil, "scope": nil, "device_id": .string(device.id), "device_metadata": nil,
            ])
        } catch let error as DeviceLoginError {
            return ZenMLResponse.json(["error": .string(error.code), "error_description": nil, "error_uri": nil], status: .badRequest)
        }
    }

    /// `Host/x ZenML/0.98.0 Python/3.11 OS/Linux`, the client's User-Agent, read leniently.
    static func deviceDetails(userAgent: String) -> DeviceDetails {
        var details = DeviceDetails()
        for part in userAgent.split(separator: " ") {
            let pair = part.split(separator: "/", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            switch pair[0] {
            case "Host": details.hostname = pair[1]
            case "ZenML": details.zenmlVersion = pair[1]
            case "Python": details.pythonVersion = pair[1]
            case "OS": details.os = pair[1]
            default: continue
            }
        }
        return details
    }
}
