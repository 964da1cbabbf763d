import Hummingbird
import Identity

/// `/users`: people's accounts. Anyone signed in may list and read them; only admins
/// create, delete or edit others; a password change needs the old password.
struct UserController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("users", use: list)
        group.post("users", use: create)
        group.get("users/:id", use: get)
        group.put("users/:id", use: update)
        group.delete("users/:id", use: delete)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.accountList(request, .users, serviceAccounts: false) { WireRenderer.user($0, detail: $1) }
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let account = try await endpoints.identity.account(try context.parameters.require("id"), serviceAccount: false)
        let detail = Detail.of(hydrate: try endpoints.hydrate(request))
        return ZenMLResponse.json(WireRenderer.user(account, detail: detail))
    }

    /// Reads `role` (Enclave's extension) or ZenML's `is_admin`.
    static func role(_ fields: RequestFields, default fallback: Role) throws -> Role? {
        if let name = try fields.choice("role", from: Set(Role.allCases.map(\.rawValue))) { return Role(rawValue: name) }
        if let isAdmin = try fields.bool("is_admin") { return isAdmin ? .admin : (fallback == .admin ? .editor : fallback) }
        return nil
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { principal in
            guard principal.isAdmin else { throw ControlPlaneError.forbidden("Only an admin can create users.") }
            var draft = AccountDraft(name: try fields.name(), role: try Self.role(fields, default: .editor) ?? .editor)
            draft.fullName = try fields.string("full_name") ?? ""
            draft.email = try fields.string("email")
            draft.password = try fields.string("password")
            draft.active = try fields.bool("active") ?? true
            let account = try await endpoints.identity.createAccount(draft)
            return WireRenderer.user(account, detail: .full)
        }
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let id = try context.parameters.require("id")
        return try await endpoints.write(request, context) { principal in
            var changes = AccountChanges()
            changes.name = try fields.optionalName("name")
            changes.fullName = try fields.string("full_name")
            changes.email = try fields.string("email")
            changes.password = try fields.string("password")
            changes.oldPassword = try fields.string("old_password")
            changes.active = try fields.bool("active")
            changes.role = try Self.role(fields, default: .editor)
            changes.defaultProjectId = try fields.uuid("default_project_id")
            changes.avatarUrl = try fields.string("avatar_url")
            changes.emailOptedIn = try fields.bool("email_opted_in")
            changes.userMetadata = try fields.object("user_metadata")?.text
            let account = try await endpoints.identity.updateAccount(id, changes: changes, actor: principal)
            return WireRenderer.user(account, detail: .full)
        }
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        return try await endpoints.write(request, context) { principal in
            try await endpoints.identity.deleteAccount(id, serviceAccount: false, actor: principal)
            return nil
        }
    }
}
