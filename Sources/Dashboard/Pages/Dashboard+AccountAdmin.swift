import Foundation
import Hummingbird
import Identity

extension Dashboard {
    /// One account: its role (changeable), and for a service account its API keys, each
    /// revocable, and a form for a new one.
    @Sendable func accountPage(_ request: Request, context: Context) async throws -> Response {
        let name = try context.parameters.require("name")
        return try await admin(request) { viewer in
            try await accountView(name, viewer: viewer, created: nil, problem: nil)
        }
    }

    func accountView(_ name: String, viewer: Viewer, created: String?, problem: String?) async throws -> Response {
        let account: Account
        do { account = try await identity.account(name) } catch is IdentityError {
            return notFound("There is no such account.", viewer)
        }
        var page: [String: Any] = ["user": viewer.context, "name": account.name, "kind": account.isServiceAccount ? "service account" : "person",
                                   "active": account.active ? "yes" : "no", "isActive": account.active,
                                   "isSelf": account.id == viewer.principal.userID,
                                   "roles": Role.allCases.map { ["value": $0.rawValue, "on": $0 == account.role] }]
        if account.isServiceAccount {
            let (_, keys) = try await identity.apiKeys(serviceAccount: account.id)
            page["serviceAccount"] = true
            page["keys"] = keys.map { ["name": $0.name, "active": $0.active ? "active" : "revoked", "lastLogin": TimeText.moment($0.lastLogin),
                                       "created": TimeText.moment($0.created), "revocable": $0.active] }
        }
        if let created { page["newKey"] = created }
        if let problem { page["problem"] = problem }
        // A new key is shown once and must not be kept in any cache.
        return renderer.page("account", page, headers: created == nil ? [:] : [.cacheControl: "no-store"])
    }

    /// The admin's forms on an account page: `role`, `activate`/`deactivate` (a deactivated
    /// account's tokens and sessions stop working), `create_key`, `revoke_key`.
    @Sendable func accountChange(_ request: Request, context: Context) async throws -> Response {
        let name = try context.parameters.require("name")
        let form = try await Self.form(request, context)
        return try await admin(request) { viewer in
            if let refused = forgedForm(form, viewer) { return refused }
            do {
                switch form["action"] {
                case "role":
                    var changes = AccountChanges()
                    changes.role = form["role"].flatMap(Role.init(rawValue:))
                    guard changes.role != nil else { return try await accountView(name, viewer: viewer, created: nil, problem: "Choose a role.") }
                    _ = try await identity.updateAccount(name, changes: changes, actor: viewer.principal)
                case "activate", "deactivate":
                    var changes = AccountChanges()
                    changes.active = form["action"] == "activate"
                    _ = try await identity.updateAccount(name, changes: changes, actor: viewer.principal)
                case "create_key":
                    let (_, key) = try await identity.createAPIKey(serviceAccount: name, name: form["key_name"] ?? "", description: "", actor: viewer.principal)
                    return try await accountView(name, viewer: viewer, created: key, problem: nil)
                case "revoke_key":
                    _ = try await identity.updateAPIKey(serviceAccount: name, key: form["key"] ?? "", name: nil, description: nil, active: false,
                                                        actor: viewer.principal)
                default:
                    return try await accountView(name, viewer: viewer, created: nil, problem: "Unknown change.")
                }
            } catch let error as IdentityError {
                return try await accountView(name, viewer: viewer, created: nil, problem: Self.text(of: error))
            }
            return PageRenderer.redirect(to: Self.accountPath(name))
        }
    }

    /// The account page's path, its name percent-encoded as one segment.
    static func accountPath(_ name: String) -> String {
        var segment = CharacterSet.urlPathAllowed
        segment.remove("/")
        return "/admin/accounts/" + (name.addingPercentEncoding(withAllowedCharacters: segment) ?? "")
    }

    /// What an identity refusal says to the admin who caused it.
    static func text(of error: IdentityError) -> String {
        switch error {
        case let .invalid(m), let .forbidden(m), let .notFound(m), let .alreadyExists(m), let .credentialsNotValid(m): m
        case .damaged: "The account could not be changed."
        }
    }
}
