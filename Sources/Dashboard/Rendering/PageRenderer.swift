import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// Renders the dashboard's Mustache templates into responses with the headers every page
/// carries: a Content-Security-Policy allowing nothing from elsewhere and no framing, no
/// sniffing, no referrer, no caching of pages that hold a user's data.
struct PageRenderer: Sendable {
    let library: MustacheLibrary

    static let securityHeaders: HTTPFields = [
        HTTPField.Name("Content-Security-Policy")!: "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-src 'self'; frame-ancestors 'none'",
        HTTPField.Name("X-Frame-Options")!: "DENY",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
    ]

    /// The library holding every template of `DashboardTemplates`.
    init() throws {
        var library = MustacheLibrary()
        for (name, text) in DashboardTemplates.all { try library.register(text, named: name) }
        self.library = library
    }

    /// A page: `template` rendered with `context` inside the layout.
    func page(_ template: String, _ context: [String: Any], status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        let html = library.render(Self.withoutOptionals(context) ?? [:], withTemplate: template) ?? "<!doctype html><title>Enclave</title><p>Page missing."
        var headers = Self.securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        // Kept only privately and revalidated on every use (PageValidationMiddleware's ETag).
        if extra[.cacheControl] == nil { headers[.cacheControl] = "private, no-cache" }
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// `value` with every optional inside it unwrapped and every absent one dropped, so a
    /// missing value renders as nothing (and counts as false in a section) rather than as
    /// Swift's "nil" or "Optional(…)".
    static func withoutOptionals(_ value: Any) -> Any? {
        if let optional = value as? any OptionalValue {
            return optional.wrapped.flatMap(withoutOptionals)
        }
        if let dictionary = value as? [String: Any] { return dictionary.compactMapValues(withoutOptionals) }
        if let array = value as? [Any] { return array.compactMap(withoutOptionals) }
        return value
    }

    /// A redirect after a form or to the login page.
    static func redirect(to location: String, headers extra: HTTPFields = [:]) -> Response {
        var headers = securityHeaders
        headers[.location] = location
        headers.append(contentsOf: extra)
        return Response(status: .seeOther, headers: headers)
    }
}

/// An optional seen through `Any`, so the renderer can unwrap it whatever it wraps.
protocol OptionalValue {
    var wrapped: Any? { get }
}

extension Optional: OptionalValue {
    var wrapped: Any? { self.map { $0 as Any } }
}
