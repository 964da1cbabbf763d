import Agents
import ArtifactStore
import ControlPlane
import Foundation
import Hummingbird
import Identity
import NIOCore
import Secrets
import Tracking

/// What the dashboard needs of a request's context beyond Hummingbird's: the peer address
/// that the secret store's audit records.
public protocol DashboardRequestContext: RequestContext {
    /// The client's address, without port.
    var peerAddress: String? { get }
}

/// The offline web dashboard: server-rendered pages over what the ZenML control plane
/// and the MLflow tracking server store, behind the same identities as both APIs. Pages live
/// at `/`, `/pipelines…`, `/runs/{id}`, `/artifacts…`, `/models…`, `/experiments…`,
/// `/stacks`, `/secrets`, `/devices`, `/admin…`; assets at `/static/`.
public struct Dashboard<Context: DashboardRequestContext>: Sendable {
    let identity: IdentityStore
    let pipelines: any PipelineCatalog
    let artifacts: any ArtifactCatalog
    let models: any ModelCatalog
    let registry: any ModelRegistryRepository
    let audit: any AuditTrail
    let stacks: any StackCatalog
    let secrets: SecretStore
    let blobs: any BlobStore
    let traces: any TraceRepository
    let agents: any AgentRepository
    let agentSettings: AgentSettings
    /// Running snapshots from the server (nil: no Run or Stop buttons).
    let snapshotRuns: SnapshotRuns?
    /// The runner logs agents streamed (nil: none shown).
    let agentJobs: (any AgentJobRepository)?
    let system: SystemFacts
    let content: ArtifactContent
    let experiments: any ExperimentRepository
    let runs: any RunRepository
    let session: DashboardSession
    let renderer: PageRenderer

    /// A dashboard over the modules' read-only catalogs, signing people in through `identity`;
    /// `secureCookies` when the server runs TLS.
    public init(identity: IdentityStore, pipelines: any PipelineCatalog, artifacts: any ArtifactCatalog, content: ArtifactContent,
                models: any ModelCatalog, experiments: any ExperimentRepository, runs: any RunRepository, registry: any ModelRegistryRepository,
                audit: any AuditTrail, stacks: any StackCatalog, secrets: SecretStore, blobs: any BlobStore, traces: any TraceRepository,
                agents: any AgentRepository, agentSettings: AgentSettings, snapshotRuns: SnapshotRuns? = nil,
                agentJobs: (any AgentJobRepository)? = nil, system: SystemFacts, secureCookies: Bool) throws {
        self.agents = agents
        self.agentJobs = agentJobs
        self.snapshotRuns = snapshotRuns
        self.agentSettings = agentSettings
        self.blobs = blobs
        self.traces = traces
        self.stacks = stacks
        self.secrets = secrets
        self.audit = audit
        self.system = system
        self.identity = identity
        self.pipelines = pipelines
        self.artifacts = artifacts
        self.models = models
        self.registry = registry
        self.content = content
        self.experiments = experiments
        self.runs = runs
        self.session = DashboardSession(secure: secureCookies)
        self.renderer = try PageRenderer()
    }

    /// Adds the dashboard's routes.
    public func addRoutes(to router: Router<Context>) {
        let router = router.group().add(middleware: CompressionMiddleware<Context>()).add(middleware: PageValidationMiddleware<Context>())
        router.get("/", use: home)
        router.get("login", use: loginPage)
        router.post("login", use: login)
        router.post("logout", use: logout)
        router.get("pipelines", use: pipelineList)
        router.get("pipelines/:id", use: pipelineRuns)
        router.get("runs/:id", use: runPage)
        router.post("runs/:id/stop", use: runStop)
        router.post("pipelines/:id/snapshots/:snapshot/run", use: snapshotRun)
        router.get("artifacts", use: artifactList)
        router.get("artifacts/:id", use: artifactVersions)
        router.get("artifact-versions/:id", use: artifactVersion)
        router.get("stacks", use: stackList)
        router.get("secrets", use: secretList)
        router.post("secrets/:id/reveal", use: secretReveal)
        router.get("admin", use: systemPage)
        router.get("admin/accounts", use: accountsPage)
        router.post("admin/accounts", use: accountCreate)
        router.get("admin/audit", use: auditPage)
        router.get("admin/agents", use: agentsPage)
        router.post("admin/agents/:id/revoke", use: agentRevoke)
        router.get("admin/accounts/:name", use: accountPage)
        router.post("admin/accounts/:name", use: accountChange)
        router.get("models", use: modelList)
        router.get("models/:id", use: modelPage)
        router.get("experiments", use: experimentList)
        router.get("experiments/:id", use: experimentRuns)
        router.get("experiments/:id/runs/:run", use: trackingRun)
        router.get("experiments/:id/compare", use: compareRuns)
        router.get("experiments/:id/runs/:run/artifact", use: runArtifact)
        router.get("experiments/:id/traces", use: traceList)
        router.get("traces/:id", use: tracePage)
        router.get("static/:file", use: asset)
        router.get("devices/verify", use: deviceVerifyPage)
        router.post("devices/verify", use: deviceVerify)
        router.get("devices", use: deviceList)
        router.post("devices/:id/revoke", use: deviceRevoke)
    }

    /// The signed-in caller of a page request, with the token the CSRF value derives from.
    struct Viewer {
        let principal: Principal
        let token: String

        var context: [String: Any] {
            ["name": principal.name, "role": principal.role.rawValue, "csrf": DashboardSession.csrfToken(for: token), "admin": principal.isAdmin]
        }
    }

    func viewer(_ request: Request) async throws -> Viewer? {
        guard let token = DashboardSession.cookie(DashboardSession.cookie, in: request),
              let principal = try await identity.principal(forBearer: token), !principal.isServiceAccount,
              principal.role.usesWorkspace else { return nil }
        return Viewer(principal: principal, token: token)
    }

    /// The refusal page when a form's token is not this session's; nil when it is.
    func forgedForm(_ form: [String: String], _ viewer: Viewer) -> Response? {
        DashboardSession.same(form["csrf"], DashboardSession.csrfToken(for: viewer.token)) ? nil
            : renderer.page("message", ["heading": "Refused", "text": "The form did not come from this dashboard.", "user": viewer.context],
                            status: .forbidden)
    }

    /// The 404 page, saying what there is none of.
    func notFound(_ text: String, _ viewer: Viewer) -> Response {
        renderer.page("message", ["heading": "Not found", "text": text, "user": viewer.context], status: .notFound)
    }

    /// Runs `page` for a signed-in person, or sends the browser to the login page.
    func signedIn(_ request: Request, _ page: (Viewer) async throws -> Response) async throws -> Response {
        guard let viewer = try await viewer(request) else {
            let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            return PageRenderer.redirect(to: "/login?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"))
        }
        return try await page(viewer)
    }

    @Sendable func home(_ request: Request, context: Context) async throws -> Response {
        PageRenderer.redirect(to: try await viewer(request) == nil ? "/login" : "/pipelines")
    }

    @Sendable func asset(_ request: Request, context: Context) async throws -> Response {
        let file = try context.parameters.require("file")
        let (body, type): (String, String)
        switch file {
        case "dashboard-\(DashboardAssets.version).css": (body, type) = (DashboardAssets.css, "text/css; charset=utf-8")
        case "dashboard-\(DashboardAssets.version).js": (body, type) = (DashboardAssets.javascript, "text/javascript; charset=utf-8")
        case "dashboard-\(DashboardAssets.version).svg": (body, type) = (DashboardAssets.icon, "image/svg+xml")
        default: return renderer.page("message", ["heading": "Not found", "text": "There is no such file."], status: .notFound)
        }
        var headers = PageRenderer.securityHeaders
        headers[.contentType] = type
        headers[.cacheControl] = "public, max-age=31536000, immutable"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// A page's number from `?page=`, from 1 up to a bound no URL can overflow.
    static func pageNumber(_ request: Request) -> Int {
        min(max(Int(query(request, "page") ?? "") ?? 1, 1), 1_000_000)
    }

    /// The first row of page `page` of `size` rows.
    static func rowOffset(page: Int, size: Int) -> Int { CatalogPage<String>.offset(page: page, size: size) }

    static func query(_ request: Request, _ key: String) -> String? {
        FormEncoding.pairs(Substring(request.uri.query ?? "")).last { $0.0 == key }?.1
    }

    /// Previous/next links for a page, keeping the other query parameters.
    static func pager<Item>(_ page: CatalogPage<Item>, base: String) -> [String: Any] {
        func link(_ number: Int) -> String { base + (base.contains("?") ? "&" : "?") + "page=\(number)" }
        var pager: [String: Any] = ["page": page.page, "pages": page.pageCount, "total": page.total]
        if page.page > 1 { pager["previous"] = link(min(page.page - 1, page.pageCount)) }
        if page.page < page.pageCount { pager["next"] = link(page.page + 1) }
        return pager
    }
}
