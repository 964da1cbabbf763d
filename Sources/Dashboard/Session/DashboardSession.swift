import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// The dashboard's session: the identity store's own bearer token, carried in an HttpOnly,
/// SameSite=Strict cookie (Secure under TLS), so logging out revokes it server-side and the
/// ZenML and MLflow APIs and the dashboard share one notion of who is signed in.
struct DashboardSession {
    static let cookie = "enclave_session"
    static let loginCookie = "enclave_login"

    /// Whether cookies get `Secure` (the server runs TLS).
    let secure: Bool

    /// The value of cookie `name` in the request, if any.
    static func cookie(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces)
                if pair.hasPrefix(name + "=") { return String(pair.dropFirst(name.count + 1)) }
            }
        }
        return nil
    }

    /// A `Set-Cookie` value; `maxAge` 0 deletes the cookie.
    func setCookie(_ name: String, _ value: String, maxAge: Int) -> String {
        "\(name)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// The anti-forgery token of a session: derived from its secret token, so it needs no
    /// storage and an attacker without the cookie cannot compute it.
    static func csrfToken(for sessionToken: String) -> String {
        SHA256.hash(data: Data(("enclave-dashboard-csrf:" + sessionToken).utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A fresh random value for the login form's double-submit token.
    static func randomToken() -> String {
        (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

    /// Compares two tokens in time independent of where they differ.
    static func same(_ a: String?, _ b: String?) -> Bool {
        guard let a, let b, a.utf8.count == b.utf8.count, !a.isEmpty else { return false }
        return zip(a.utf8, b.utf8).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
