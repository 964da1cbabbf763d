import Hummingbird
import Identity

/// `/service_accounts` and their `/api_keys`: non-interactive accounts for CI and
/// pipelines, managed by admins. A new or rotated key is shown in that response only.
struct ServiceAccountController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints
    var identity: IdentityStore { endpoints.identity }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("service_accounts", use: list)
        group.post("service_accounts", use: create)
        group.get("service_accounts/:id", use: get)
        group.put("service_accounts/:id", use: update)
        group.delete("service_accounts/:id", use: delete)
        group.get("service_accounts/:id/api_keys", use: listKeys)
        group.post("service_accounts/:id/api_keys", use: createKey)
        group.get("service_accounts/:id/api_keys/:key", use: getKey)
        group.put("service_accounts/:id/api_keys/:key", use: updateKey)
        group.delete("service_accounts/:id/api_keys/:key", use: deleteKey)
        group.put("service_accounts/:id/api_keys/:key/rotate", use: rotateKey)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try await endpoints.accountList(request, .serviceAccounts, serviceAccounts: true) { WireRenderer.serviceAccount($0, detail: $1) }
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let account = try await identity.account(try context.parameters.require("id"), serviceAccount: true)
        let detail = Detail.of(hydrate: try endpoints.hydrate(request))
        return ZenMLResponse.json(WireRenderer.serviceAccount(account, detail: detail))
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        return try await endpoints.write(request, context) { principal in
            guard principal.isAdmin else { throw ControlPlaneError.forbidden("Only an admin can create service accounts.") }
            var draft = AccountDraft(name: try fields.name(), role: try UserController<Context>.role(fields, default: .editor) ?? .editor)
            draft.isServiceAccount = true
            draft.fullName = try fields.string("full_name") ?? ""
            draft.description = try fields.string("description") ?? ""
            draft.active = try fields.bool("active") ?? true
            draft.avatarUrl = try fields.string("avatar_url")
            return WireRenderer.serviceAccount(try await identity.createAccount(draft), detail: .full)
        }
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let id = try context.parameters.require("id")
        return try await endpoints.write(request, context) { principal in
            guard principal.isAdmin else { throw ControlPlaneError.forbidden("Only an admin can change service accounts.") }
            _ = try await identity.account(id, serviceAccount: true)
            var changes = AccountChanges()
            changes.name = try fields.optionalName("name")
            changes.fullName = try fields.string("full_name")
            changes.description = try fields.string("description")
            changes.active = try fields.bool("active")
            changes.avatarUrl = try fields.string("avatar_url")
            changes.role = try UserController<Context>.role(fields, default: .editor)
            return WireRenderer.serviceAccount(try await identity.updateAccount(id, changes: changes, actor: principal), detail: .full)
        }
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        return try await endpoints.write(request, context) { principal in
            try await identity.deleteAccount(id, serviceAccount: true, actor: principal)
            return nil
        }
    }

    func keyResponse(_ key: APIKey, _ owner: Account, _ plaintext: String?, _ detail: Detail = .full) -> JSONValue {
        WireRenderer.apiKey(key, owner: owner, plaintext: plaintext, detail: detail)
    }

    @Sendable func listKeys(_ request: Request, context: Context) async throws -> Response {
        guard try context.caller().isAdmin else { throw ControlPlaneError.forbidden("Only an admin can manage API keys.") }
        let (owner, keys) = try await identity.apiKeys(serviceAccount: try context.parameters.require("id"))
        let query = try ListQuery(endpoints.queryItems(request), schema: .serviceAccounts)
        let detail = Detail.of(hydrate: query.hydrate)
        let start = try query.offset(total: keys.count)
        let pageItems = keys[start..<min(start + query.size, keys.count)].map { keyResponse($0, owner, nil, detail) }
        return ZenMLResponse.json(query.page(items: Array(pageItems), total: keys.count))
    }

    @Sendable func createKey(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let id = try context.parameters.require("id")
        return try await endpoints.write(request, context, remember: false) { principal in
            let (key, plaintext) = try await identity.createAPIKey(serviceAccount: id, name: try fields.name(),
                                                                   description: try fields.string("description") ?? "", actor: principal)
            let owner = try await identity.account(id, serviceAccount: true)
            return keyResponse(key, owner, plaintext)
        }
    }

    @Sendable func getKey(_ request: Request, context: Context) async throws -> Response {
        guard try context.caller().isAdmin else { throw ControlPlaneError.forbidden("Only an admin can manage API keys.") }
        let (owner, key) = try await identity.apiKey(serviceAccount: try context.parameters.require("id"), key: try context.parameters.require("key"))
        return ZenMLResponse.json(keyResponse(key, owner, nil, Detail.of(hydrate: try endpoints.hydrate(request))))
    }

    @Sendable func updateKey(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let id = try context.parameters.require("id"), keyID = try context.parameters.require("key")
        return try await endpoints.write(request, context) { principal in
            let (owner, key) = try await identity.updateAPIKey(serviceAccount: id, key: keyID, name: try fields.optionalName("name"),
                                                               description: try fields.string("description"),
                                                               active: try fields.bool("active"), actor: principal)
            return keyResponse(key, owner, nil)
        }
    }

    @Sendable func rotateKey(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id"), keyID = try context.parameters.require("key")
        return try await endpoints.write(request, context, remember: false) { principal in
            let (owner, key, plaintext) = try await identity.rotateAPIKey(serviceAccount: id, key: keyID, actor: principal)
            return keyResponse(key, owner, plaintext)
        }
    }

    @Sendable func deleteKey(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id"), keyID = try context.parameters.require("key")
        return try await endpoints.write(request, context) { principal in
            try await identity.deleteAPIKey(serviceAccount: id, key: keyID, actor: principal)
            return nil
        }
    }
}
