import Foundation
import Hummingbird
import Identity
import Secrets
import Storage

/// `/secrets`: ZenML's secrets API over Enclave's secret store. Lists never carry values;
/// a secret read by id carries them only for callers allowed to read them; private secrets
/// exist only for their owner. Every value read and change is audited by the store.
struct SecretController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints
    let secrets: SecretStore

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("secrets", use: list)
        group.post("secrets", use: create)
        group.get("secrets/:id", use: get)
        group.put("secrets/:id", use: update)
        group.delete("secrets/:id", use: delete)
    }

    /// The secret store's view of the caller.
    static func caller(_ context: Context) throws -> SecretCaller {
        let principal = try context.caller()
        return SecretCaller(userID: principal.userID, name: principal.name, mayWrite: principal.role.canWrite, address: context.peerAddress)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let caller = try Self.caller(context)
        let query = try await endpoints.listQuery(request, .secrets).resolvingAccounts(endpoints.identity)
        let (records, total) = try await secrets.list(by: caller, try query.recordPageRequest())
        _ = try query.offset(total: total)
        let detail = Detail.of(hydrate: query.hydrate)
        return ZenMLResponse.json(try await endpoints.reads.rendering { renderer in
            query.page(items: try records.map { try renderer.secret($0, detail: detail) }, total: total)
        })
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        let detail = Detail.of(hydrate: try endpoints.hydrate(request))
        let (record, values) = try await secrets.read(id: id, by: try Self.caller(context))
        return ZenMLResponse.json(try await render(record, values: values ?? [:], detail: detail))
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let caller = try Self.caller(context)
        return try await write(request, context) {
            let name = try fields.name()
            let isPrivate = try fields.bool("private") ?? false
            let values = try Self.values(fields)?.compactMapValues { $0 } ?? [:]
            let record = try await secrets.create(name: name, isPrivate: isPrivate, values: values, by: caller)
            return try await render(record, values: values, detail: .full)
        }
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let id = try context.parameters.require("id")
        let caller = try Self.caller(context)
        let patch = try FormEncoding.pairs(Substring(request.uri.query ?? "")).last { $0.0 == "patch_values" }
            .map { try ListQuery.boolean("patch_values", $0.1) } ?? false
        return try await write(request, context) {
            // Without patch_values the update's values replace all of them (ZenML's rule).
            let change = SecretChange(name: try fields.optionalName("name"), isPrivate: try fields.bool("private"),
                                      values: try Self.values(fields), replacesValues: !patch)
            let (record, values) = try await secrets.update(id: id, change, by: caller)
            return try await render(record, values: values, detail: .full)
        }
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        let caller = try Self.caller(context)
        return try await write(request, context) {
            try await secrets.delete(id: id, by: caller)
            return nil
        }
    }

    /// `values`: an object of strings or nulls (the schema check already refused other shapes).
    static func values(_ fields: RequestFields) throws -> [String: String?]? {
        guard case let .object(members)? = try fields.object("values") else { return nil }
        var values: [String: String?] = [:]
        for (key, value) in members {
            switch value {
            case let .string(text): values[key] = .some(text)
            case .null: values[key] = .some(nil)
            default: throw fields.fail("values", "Input should be a valid string")
            }
        }
        return values
    }

    /// One secret with its owner, read through the identity system (no database handle here).
    func render(_ record: SecretRecord, values: [String: String], detail: Detail) async throws -> JSONValue {
        let owners = try await endpoints.identity.accounts(ids: Set([record.userID].compactMap { $0 }))
        let owner = record.userID.flatMap { owners[$0] }.map { WireRenderer.user($0, detail: .nested) } ?? .null
        return WireRenderer.secret(record, values: values, owner: owner, detail: detail)
    }

    /// An idempotent write whose remembered answer never holds a value: the ledger keeps
    /// the answer with `values` emptied, and a replay reads the secret again (audited).
    func write(_ request: Request, _ context: Context, work: () async throws -> JSONValue?) async throws -> Response {
        let principal = try context.caller()
        guard let key = Endpoints.idempotencyKey(request) else {
            return ZenMLResponse.serialized((try await work() ?? .null).serialized)
        }
        switch try await endpoints.ledger.claim(key: key, userID: principal.userID, method: request.method.rawValue, path: request.uri.path) {
        case let .answered(status, body):
            guard let answer = try? JSONValue.parse(body), case let .string(id)? = answer["id"] else {
                return ZenMLResponse.serialized(body, status: .init(code: status))
            }
            let (record, values) = try await secrets.read(id: id, by: try Self.caller(context))
            return ZenMLResponse.json(try await render(record, values: values ?? [:], detail: .full))
        case let .claimed(token):
            let answer = try await endpoints.ledger.perform(key: key, userID: principal.userID, token: token) { try await work() }
            var redacted = answer ?? .null
            if redacted["body"] != nil { redacted["body"]?["values"] = [:] }
            try await endpoints.ledger.answer(key: key, userID: principal.userID, token: token, status: 200, body: redacted.serialized)
            return ZenMLResponse.serialized((answer ?? .null).serialized)
        }
    }
}
