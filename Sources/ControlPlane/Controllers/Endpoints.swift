import Foundation
import HTTPTypes
import Hummingbird
import Identity
import Storage

/// What every ZenML controller shares: the read side, identity, limits, and the plumbing
/// for reading lists, rendering and idempotent writes. It holds no database.
struct Endpoints: Sendable {
    let reads: any ResourceReader
    let identity: IdentityStore
    let settings: ControlPlaneSettings
    let ledger: any IdempotencyLedger
    /// What `/info` reports as `secrets_store_type` ("none" without a secret store).
    var secretsStoreType = "none"

    /// The query items of `request`, decoded.
    func queryItems(_ request: Request) -> [(String, String)] {
        FormEncoding.pairs(Substring(request.uri.query ?? ""))
    }

    /// Whether `hydrate` was asked for (default `whenAbsent`).
    func hydrate(_ request: Request, whenAbsent: Bool = true) throws -> Bool {
        guard let value = queryItems(request).last(where: { $0.0 == "hydrate" })?.1 else { return whenAbsent }
        return try ListQuery.boolean("hydrate", value)
    }

    /// The JSON body of `request`, within the size limit: the one the schema check already
    /// parsed, or parsed here for routes ZenML declares no body schema for.
    func body(_ request: Request, _ context: some ControlPlaneRequestContext) async throws -> JSONValue {
        if let body = context.checkedBody { return body }
        return try await RequestFields.body(of: request, limit: settings.maxBodyBytes)
    }

    /// The JSON object body of `request` (see `body`).
    func fields(_ request: Request, _ context: some ControlPlaneRequestContext) async throws -> RequestFields {
        try RequestFields(try await body(request, context))
    }

    /// A get-by-id endpoint: the record `:id`, hydrated unless `hydrate=False`.
    func get<Record: StoredRecord>(_ request: Request, _ context: some RequestContext, noun: String,
                                   render: @escaping RecordRendering<Record>) async throws -> Response {
        let id = try context.parameters.require("id")
        let detail = Detail.of(hydrate: try hydrate(request))
        return ZenMLResponse.json(try await reads.records([id], noun: noun, detail: detail, render: render).first ?? .null)
    }

    /// ZenML's list parameters of `request`, parsed against `schema`.
    func listQuery(_ request: Request, _ schema: ResourceSchema) throws -> ListQuery {
        try ListQuery(queryItems(request), schema: schema, documented: ZenMLListParameters.byOperation["GET " + request.uri.path] ?? [])
    }

    /// A list endpoint: parse the query against `schema`, apply `scope`, render each record.
    func list<Record: StoredRecord>(_ request: Request, _ schema: ResourceSchema, scope: [SQLCondition] = [],
                                    render: @escaping RecordRendering<Record>) async throws -> Response {
        var query = try listQuery(request, schema)
        query.scope += scope
        return ZenMLResponse.json(try await reads.page(query, schema: schema, render: render))
    }

    /// A list of Identity's accounts (people, or service accounts): the query parsed here,
    /// the page read through Identity's API.
    func accountList(_ request: Request, _ schema: ResourceSchema, serviceAccounts: Bool,
                     render: (Account, Detail) -> JSONValue) async throws -> Response {
        let query = try listQuery(request, schema)
        let (accounts, total) = try await identity.accountPage(try query.recordPageRequest(), serviceAccounts: serviceAccounts)
        _ = try query.offset(total: total)
        let detail = Detail.of(hydrate: query.hydrate)
        return ZenMLResponse.json(query.page(items: accounts.map { render($0, detail) }, total: total))
    }

    /// A write: with an `Idempotency-Key`, claims the key first, so of several requests with
    /// it exactly one performs `work` and the others replay its answer. `work`'s database
    /// writes carry the claim's guard, so they commit together with the claim's "executed"
    /// mark; a write that failed before committing gives the key back. `remember: false` is
    /// for answers that carry a credential (a new API key), which must never be stored: the
    /// key is given back and a retry writes again.
    func write(_ request: Request, _ context: some ControlPlaneRequestContext, remember: Bool = true,
               work: (Principal) async throws -> JSONValue) async throws -> Response {
        let principal = try context.caller()
        guard let key = Self.idempotencyKey(request) else {
            return ZenMLResponse.serialized(try await work(principal).serialized)
        }
        let userID = principal.userID
        switch try await ledger.claim(key: key, userID: userID, method: request.method.rawValue, path: request.uri.path) {
        case let .answered(status, body):
            return ZenMLResponse.serialized(body, status: .init(code: status))
        case let .claimed(token):
            let bytes = try await ledger.perform(key: key, userID: userID, token: token) { try await work(principal).serialized }
            if remember {
                try await ledger.answer(key: key, userID: userID, token: token, status: 200, body: bytes)
            } else {
                try await ledger.release(key: key, userID: userID, token: token, evenIfExecuted: true)
            }
            return ZenMLResponse.serialized(bytes)
        }
    }

    /// A delete-by-id endpoint over a repository: `remove` answers whether there was a row;
    /// none is ZenML's 404 naming the `noun`.
    func delete(_ request: Request, _ context: some ControlPlaneRequestContext, noun: String,
                remove: @escaping @Sendable (String) async throws -> Bool) async throws -> Response {
        let id = try context.parameters.require("id").lowercased()
        return try await write(request, context) { _ in
            guard try await remove(id) else {
                throw ControlPlaneError.missing(noun, id: id)
            }
            return nil
        }
    }

    /// The request's `Idempotency-Key`, when it is one the ledger keeps (1–128 bytes).
    static func idempotencyKey(_ request: Request) -> String? {
        request.headers[HTTPField.Name("Idempotency-Key")!].flatMap { $0.isEmpty || $0.utf8.count > 128 ? nil : $0 }
    }

    /// Reads and renders the records `ids` after a write, in order, their relations loaded together.
    func renderAll<Record: StoredRecord>(ids: [String], noun: String, detail: Detail = .full,
                                         _ render: @escaping RecordRendering<Record>) async throws -> JSONValue {
        .array(try await reads.records(ids, noun: noun, detail: detail, render: render))
    }

    /// Reads, renders and returns one record after a write.
    func render<Record: StoredRecord>(id: String, noun: String, detail: Detail = .full,
                                      _ render: @escaping RecordRendering<Record>) async throws -> JSONValue {
        try await reads.records([id], noun: noun, detail: detail, render: render).first ?? .null
    }
}

extension String {
    /// A fresh lowercase UUID, the id form ZenML uses.
    static func newID() -> String { UUID().uuidString.lowercased() }
}
