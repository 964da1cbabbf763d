import Foundation
import Storage

/// The secret store as the API sees it: records through a `SecretRepository`, values
/// through a `SecretBackend`, every value read and every change written to the
/// `AuditTrail` (who, from where, which secret, how it ended; never a value).
public struct SecretStore: Sendable {
    public let records: any SecretRepository
    public let backend: any SecretBackend
    public let audit: any AuditTrail
    /// What `/api/v1/info` reports as `secrets_store_type`.
    public let kind: String

    /// A store over these three parts.
    public init(records: any SecretRepository, backend: any SecretBackend, audit: any AuditTrail, kind: String = "sql") {
        self.records = records; self.backend = backend; self.audit = audit; self.kind = kind
    }

    /// Longest name and key accepted (ZenML's column is 255).
    static let maximumNameLength = 255

    static func checkName(_ name: String, _ what: String) throws {
        guard !name.isEmpty, name.utf8.count <= maximumNameLength,
              !name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw SecretsError.invalid("A secret \(what) must be 1 to \(maximumNameLength) bytes without control characters.")
        }
    }

    func record(_ action: String, _ secretID: String?, by caller: SecretCaller, _ outcome: String) async throws {
        _ = try await audit.append(AuditEntry(actor: caller.auditName, action: action, secretID: secretID, address: caller.address, outcome: outcome))
    }

    /// Creates a secret owned by `caller` with `values`; the values are stored first, so a
    /// crash leaves at most unreachable sealed values, never a secret without its values.
    public func create(name: String, isPrivate: Bool, values: [String: String], by caller: SecretCaller) async throws -> SecretRecord {
        guard caller.mayWrite else {
            try await record("create", nil, by: caller, "denied")
            throw SecretsError.forbidden("Your role does not allow creating secrets.")
        }
        try Self.checkName(name, "name")
        for key in values.keys { try Self.checkName(key, "key") }
        let now = Timestamp.now()
        let secret = SecretRecord(id: UUID().uuidString.lowercased(), name: name, isPrivate: isPrivate, userID: caller.userID, created: now, updated: now)
        try await backend.store(secretID: secret.id, values: values)
        do {
            try await records.insert(secret)
        } catch {
            try? await backend.delete(secretID: secret.id)
            try await record("create", nil, by: caller, error is SecretsError ? "conflict" : "failed")
            throw error
        }
        try await record("create", secret.id, by: caller, "ok")
        return secret
    }

    /// The secret `id` as `caller` may see it: its values when the caller may read them
    /// (each such read is audited), nil values otherwise.
    public func read(id: String, by caller: SecretCaller) async throws -> (SecretRecord, [String: String]?) {
        let secret = try await visible(id, "read", by: caller)
        guard caller.readsValues(of: secret) else { return (secret, nil) }
        let values = try await backend.values(secretID: secret.id)
        try await record("read", secret.id, by: caller, "ok")
        return (secret, values)
    }

    /// Applies `change`: a rename or scope change is checked by the name constraint
    /// before any value moves; values set to nil are removed, the others set.
    public func update(id: String, _ change: SecretChange, by caller: SecretCaller) async throws -> (SecretRecord, [String: String]) {
        var secret = try await writable(id, change.name != nil && change.values == nil ? "rename" : "update", by: caller)
        if let name = change.name { try Self.checkName(name, "name") }
        let action = change.name.map { $0 != secret.name } == true ? "rename" : "update"
        secret.name = change.name ?? secret.name
        secret.isPrivate = change.isPrivate ?? secret.isPrivate
        secret.updated = Timestamp.now()
        var values = try await backend.values(secretID: secret.id)
        do {
            guard try await records.update(secret) else { throw SecretsError.notFound("No secret with ID '\(id)' found.") }
            if let changes = change.values {
                if change.replacesValues { values = [:] }
                for (key, value) in changes {
                    if let value { try Self.checkName(key, "key"); values[key] = value } else { values[key] = nil }
                }
                try await backend.store(secretID: secret.id, values: values)
            }
        } catch {
            try await record(action, secret.id, by: caller, error is SecretsError ? "conflict" : "failed")
            throw error
        }
        try await record(action, secret.id, by: caller, "ok")
        return (secret, values)
    }

    /// Deletes the secret and its values.
    public func delete(id: String, by caller: SecretCaller) async throws {
        let secret = try await writable(id, "delete", by: caller)
        _ = try await records.delete(id: secret.id)
        try await backend.delete(secretID: secret.id)
        try await record("delete", secret.id, by: caller, "ok")
    }

    /// The record if `caller` sees it; a private secret of someone else is "not found"
    /// to them (and audited as denied).
    func visible(_ id: String, _ action: String, by caller: SecretCaller) async throws -> SecretRecord {
        let missing = SecretsError.notFound("No secret with ID '\(id)' found.")
        guard let secret = try await records.record(id: id.lowercased()) else { throw missing }
        guard caller.sees(secret) else {
            try await record(action, secret.id, by: caller, "denied")
            throw missing
        }
        return secret
    }

    func writable(_ id: String, _ action: String, by caller: SecretCaller) async throws -> SecretRecord {
        let secret = try await visible(id, action, by: caller)
        guard caller.writes(secret) else {
            try await record(action, secret.id, by: caller, "denied")
            throw SecretsError.forbidden("Your role does not allow changing secrets.")
        }
        return secret
    }
}

extension SecretStore {
    /// One page of the secrets `caller` may see (public ones and its own private ones), by
    /// name; never their values (listing is not audited, as it reveals nothing a list answer
    /// does not).
    public func list(by caller: SecretCaller, offset: Int, limit: Int) async throws -> [SecretRecord] {
        try await list(by: caller, RecordPageRequest(sortField: "name", offset: max(0, offset), limit: max(0, limit))).records
    }

    /// The page of the secrets `caller` may see that `request` asks for, and how many match
    /// in all: ZenML's secret list, filtered by the store, never by a reader of its table.
    public func list(by caller: SecretCaller, _ request: RecordPageRequest) async throws -> (records: [SecretRecord], total: Int) {
        try await records.visible(to: caller.userID, request)
    }
}
