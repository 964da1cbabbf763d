import Foundation
import Hummingbird
import Identity
import Secrets

extension Dashboard {
    /// Runs `page` for an admin; others get a 403 page (they see the rest of the dashboard).
    func admin(_ request: Request, _ page: @escaping (Viewer) async throws -> Response) async throws -> Response {
        try await signedIn(request) { viewer in
            guard viewer.principal.isAdmin else {
                return renderer.page("message", ["heading": "Admins only", "text": "Administration is for admins.", "user": viewer.context], status: .forbidden)
            }
            return try await page(viewer)
        }
    }

    /// The system page: version, uptime, sizes, free space, the installed release and the one before.
    @Sendable func systemPage(_ request: Request, context: Context) async throws -> Response {
        try await admin(request) { viewer in
            var page = try await system.snapshot()
            page["user"] = viewer.context
            return renderer.page("system", page)
        }
    }

    /// People and service accounts with their roles.
    @Sendable func accountsPage(_ request: Request, context: Context) async throws -> Response {
        try await admin(request) { viewer in try await accountsView(viewer, page: Self.pageNumber(request), problem: nil) }
    }

    static var accountPageSize: Int { 100 }

    /// The accounts page: one page of accounts and the form for a new one (with `problem`
    /// when the last attempt was refused).
    func accountsView(_ viewer: Viewer, page: Int = 1, problem: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let size = Self.accountPageSize
        let accounts = try await identity.accountList(offset: Self.rowOffset(page: page, size: size), limit: size + 1)
        let rows: [[String: Any]] = accounts.prefix(size).map {
            ["name": $0.name, "kind": $0.isServiceAccount ? "service account" : "person", "role": $0.role.rawValue,
             "active": $0.active ? "yes" : "no", "created": TimeText.moment($0.created)]
        }
        var context: [String: Any] = ["user": viewer.context, "items": rows, "roles": Role.allCases.map { ["value": $0.rawValue, "on": $0 == .viewer] },
                                      "pager": Self.openPager(page: page, hasNext: accounts.count > size, base: "/admin/accounts")]
        if let problem { context["problem"] = problem }
        return renderer.page("accounts", context, status: status)
    }

    /// A new person (name, password, role) or service account (name, role; it logs in with
    /// API keys made on its page), made by an admin.
    @Sendable func accountCreate(_ request: Request, context: Context) async throws -> Response {
        let form = try await Self.form(request, context)
        return try await admin(request) { viewer in
            if let refused = forgedForm(form, viewer) { return refused }
            guard let role = form["role"].flatMap(Role.init(rawValue:)) else {
                return try await accountsView(viewer, problem: "Choose a role.", status: .badRequest)
            }
            var draft = AccountDraft(name: (form["name"] ?? "").trimmingCharacters(in: .whitespaces), role: role)
            draft.isServiceAccount = form["kind"] == "service"
            if !draft.isServiceAccount { draft.password = form["password"] ?? "" }
            do {
                let account = try await identity.createAccount(draft)
                return PageRenderer.redirect(to: Self.accountPath(account.name))
            } catch let error as IdentityError {
                return try await accountsView(viewer, problem: Self.text(of: error), status: .badRequest)
            }
        }
    }

    /// The secret store's audit trail, oldest first from `after`, and whether its chain holds.
    @Sendable func auditPage(_ request: Request, context: Context) async throws -> Response {
        try await admin(request) { viewer in
            let after = Int64(Self.query(request, "after") ?? "") ?? 0
            let records = try await audit.records(after: max(after, 0), limit: 100)
            let rows: [[String: Any]] = records.map {
                ["sequence": $0.sequence, "at": TimeText.moment($0.at), "actor": $0.entry.actor, "action": $0.entry.action,
                 "secret": $0.entry.secretID ?? "", "address": $0.entry.address ?? "", "outcome": $0.entry.outcome]
            }
            var page: [String: Any] = ["user": viewer.context, "items": rows]
            if records.count == 100, let last = records.last { page["next"] = "/admin/audit?after=\(last.sequence)" }
            return renderer.page("audit", page)
        }
    }
}
