import Hummingbird
import Secrets

/// `/api/enclave/audit`: the secret store's audit trail for admins (an Enclave addition,
/// outside ZenML's `/api/v1`). Records page forward by sequence number (`after`, `limit`);
/// `/api/enclave/audit/verify` walks the chain.
struct AuditController<Context: ControlPlaneRequestContext> {
    let secrets: SecretStore

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("audit", use: list)
        group.get("audit/verify", use: verify)
    }

    static func requireAdmin(_ context: Context) throws {
        guard try context.caller().isAdmin else { throw ControlPlaneError.forbidden("Only admins can read the audit trail.") }
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        try Self.requireAdmin(context)
        let items = FormEncoding.pairs(Substring(request.uri.query ?? ""))
        let after = try items.last { $0.0 == "after" }.map { try ListQuery.integer("after", $0.1, minimum: 0) } ?? 0
        let limit = try items.last { $0.0 == "limit" }.map { try ListQuery.integer("limit", $0.1, minimum: 1, maximum: 1000) } ?? 100
        let records = try await secrets.audit.records(after: Int64(after), limit: limit)
        let rendered: [JSONValue] = records.map { record in
            [
                "sequence": .int(record.sequence), "at": .string(record.at), "actor": .string(record.entry.actor),
                "action": .string(record.entry.action), "secret_id": .optional(record.entry.secretID),
                "address": .optional(record.entry.address), "outcome": .string(record.entry.outcome),
                "previous_hash": .string(record.previousHash), "hash": .string(record.hash),
            ]
        }
        return ZenMLResponse.json(["items": .array(rendered), "next": records.count == limit ? .int(records.last?.sequence ?? 0) : .null])
    }

    @Sendable func verify(_ request: Request, context: Context) async throws -> Response {
        try Self.requireAdmin(context)
        switch try await secrets.audit.verify() {
        case let .intact(count): return ZenMLResponse.json(["intact": true, "records": .int(Int64(count))])
        case let .broken(sequence, reason):
            return ZenMLResponse.json(["intact": false, "first_bad_record": .int(sequence), "reason": .string(reason)])
        }
    }
}
