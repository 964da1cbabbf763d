import HTTPTypes
import Hummingbird
import Identity

/// Server info, activation, login/logout and tokens: the routes of ZenML's auth handshake.
struct AuthController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints
    var identity: IdentityStore { endpoints.identity }

    /// Routes reachable without a token.
    func addPublicRoutes(to group: RouterGroup<Context>) {
        group.get("info", use: info)
        group.post("login", use: login)
        group.put("activate", use: activate)
        group.post("device_authorization", use: deviceAuthorization)
    }

    /// Routes that need a token.
    func addRoutes(to group: RouterGroup<Context>) {
        group.get("logout", use: logout)
        group.post("logout", use: logout)
        group.get("api_token", use: apiToken)
        group.get("current-user", use: currentUser)
    }

    @Sendable func info(_ request: Request, context: Context) async throws -> Response {
        let state = try await identity.serverState()
        return ZenMLResponse.json([
            "id": .string(state.serverID), "name": .string(state.name), "version": .string(endpoints.settings.zenmlVersion),
            "active": .bool(state.active), "debug": false, "deployment_type": "other", "database_type": "sqlite",
            "secrets_store_type": .string(endpoints.secretsStoreType), "auth_scheme": "OAUTH2_PASSWORD_BEARER", "server_url": "", "dashboard_url": "",
            "analytics_enabled": false, "metadata": [:], "last_user_activity": nil, "pro_dashboard_url": nil, "pro_api_url": nil,
            "pro_organization_id": nil, "pro_organization_name": nil, "pro_workspace_id": nil, "pro_workspace_name": nil,
        ])
    }

    /// OAuth2 password flow, form-encoded: `grant_type=password` or `zenml-api-key`.
    @Sendable func login(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(upTo: 16 * 1024)
        let form = Dictionary(FormEncoding.pairs(Substring(String(buffer: buffer))), uniquingKeysWith: { _, last in last })
        let issued: IssuedToken
        switch Self.grant(form) {
        case "password":
            guard let username = form["username"], !username.isEmpty else {
                throw HTTPError(.badRequest, message: "Invalid request: username is required.")
            }
            issued = try await identity.login(username: username, password: form["password"] ?? "")
        case "zenml-api-key":
            guard let key = form["password"], !key.isEmpty else { throw HTTPError(.badRequest, message: "API key is required.") }
            issued = try await identity.login(apiKey: key)
        case Self.deviceCodeGrant:
            return try await deviceLogin(form)
        case let grant:
            throw HTTPError(.badRequest, message: "Unsupported grant type: \(grant)")
        }
        return ZenMLResponse.json([
            "access_token": .string(issued.token), "token_type": "bearer", "expires_in": .int(Int64(issued.expiresIn)),
            "refresh_token": nil, "csrf_token": nil, "scope": nil, "device_id": nil, "device_metadata": nil,
        ])
    }

    /// The grant a login form asks for; without `grant_type` it is inferred as ZenML
    /// does: a username means a password login, a lone password an API key.
    static func grant(_ form: [String: String]) -> String {
        if let grant = form["grant_type"], !grant.isEmpty { return grant }
        if form["username"] == nil, let password = form["password"], !password.isEmpty { return "zenml-api-key" }
        return "password"
    }

    @Sendable func logout(_ request: Request, context: Context) async throws -> Response {
        try await identity.revoke(tokenHash: try context.caller().tokenHash)
        return ZenMLResponse.json(nil)
    }

    /// First-admin creation; only while inactive, and from loopback or with the setup token.
    @Sendable func activate(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let token = try request.headers[HTTPField.Name("X-Enclave-Setup-Token")!] ?? fields.string("setup_token")
        let account = try await identity.activate(
            adminName: try fields.name("admin_username"), password: try fields.requiredString("admin_password"),
            serverName: try fields.string("server_name"), setupToken: token,
            fromLoopback: context.isLoopback && !Self.cameThroughProxy(request)
        )
        return ZenMLResponse.json(WireRenderer.user(account, detail: .full))
    }

    /// Whether `request` was relayed by a proxy (it carries a forwarding header).
    static func cameThroughProxy(_ request: Request) -> Bool {
        proxyForwardingHeaders.contains { request.headers[$0] != nil }
    }

    /// A token for a pipeline run's steps; answered as a bare JSON string.
    @Sendable func apiToken(_ request: Request, context: Context) async throws -> Response {
        let items = endpoints.queryItems(request)
        let runID = items.last(where: { $0.0 == "pipeline_run_id" })?.1
        let issued = try await identity.issueWorkloadToken(for: try context.caller(), pipelineRunID: runID)
        return ZenMLResponse.json(.string(issued.token))
    }

    @Sendable func currentUser(_ request: Request, context: Context) async throws -> Response {
        let account = try await identity.account(try context.caller().userID)
        let detail = Detail.of(hydrate: try endpoints.hydrate(request))
        return ZenMLResponse.json(WireRenderer.user(account, detail: detail))
    }
}

/// Headers a reverse proxy adds: behind one, every peer looks like loopback, so a
/// request carrying any of them never counts as coming from this host.
let proxyForwardingHeaders = ["Forwarded", "X-Forwarded-For", "X-Real-IP", "X-Forwarded-Host"].compactMap { HTTPField.Name($0) }
