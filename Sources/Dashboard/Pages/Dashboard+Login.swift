import Foundation
import HTTPTypes
import Hummingbird
import ControlPlane
import Identity

extension Dashboard {
    /// The login form, with a fresh double-submit token in a cookie and a hidden field.
    @Sendable func loginPage(_ request: Request, context: Context) async throws -> Response {
        if try await viewer(request) != nil { return PageRenderer.redirect(to: Self.safeNext(Self.query(request, "next"))) }
        return loginForm(next: Self.query(request, "next"), error: nil)
    }

    func loginForm(next: String?, error: String?, status: HTTPResponse.Status = .ok) -> Response {
        let token = DashboardSession.randomToken()
        var context: [String: Any] = ["csrf": token, "next": Self.safeNext(next)]
        if let error { context["error"] = error }
        return renderer.page("login", context, status: status,
                             headers: [.setCookie: session.setCookie(DashboardSession.loginCookie, token, maxAge: 1800)])
    }

    /// Checks the form's token against its cookie, then the password; a session cookie on success.
    @Sendable func login(_ request: Request, context: Context) async throws -> Response {
        let form = try await Self.form(request, context)
        let next = form["next"]
        guard DashboardSession.same(form["csrf"], DashboardSession.cookie(DashboardSession.loginCookie, in: request)) else {
            return loginForm(next: next, error: "The form expired; please log in again.", status: .forbidden)
        }
        guard let username = form["username"], let password = form["password"], !username.isEmpty else {
            return loginForm(next: next, error: "Enter a user name and a password.", status: .badRequest)
        }
        let issued: IssuedToken
        do {
            issued = try await identity.login(username: username, password: password)
        } catch is IdentityError {
            return loginForm(next: next, error: "Wrong user name or password.", status: .unauthorized)
        }
        var headers = HTTPFields()
        headers.append(HTTPField(name: .setCookie, value: session.setCookie(DashboardSession.cookie, issued.token, maxAge: issued.expiresIn)))
        headers.append(HTTPField(name: .setCookie, value: session.setCookie(DashboardSession.loginCookie, "", maxAge: 0)))
        return PageRenderer.redirect(to: Self.safeNext(next), headers: headers)
    }

    /// Revokes the session server-side (the token stops working everywhere) and clears the cookie.
    @Sendable func logout(_ request: Request, context: Context) async throws -> Response {
        let form = try await Self.form(request, context)
        guard let viewer = try await viewer(request) else { return PageRenderer.redirect(to: "/login") }
        if let refused = forgedForm(form, viewer) { return refused }
        try await identity.revoke(tokenHash: viewer.principal.tokenHash)
        return PageRenderer.redirect(to: "/login", headers: [.setCookie: session.setCookie(DashboardSession.cookie, "", maxAge: 0)])
    }

    /// Only a path on this server is a place to go after logging in.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), !next.contains("\r"), !next.contains("\n") else {
            return "/pipelines"
        }
        return next
    }

    /// A small urlencoded form body (16 KiB at most) as a dictionary; the last value of a key wins.
    static func form(_ request: Request, _ context: Context) async throws -> [String: String] {
        let body = try await request.body.collect(upTo: 16 * 1024)
        return Dictionary(FormEncoding.pairs(Substring(String(buffer: body))), uniquingKeysWith: { $1 })
    }
}
