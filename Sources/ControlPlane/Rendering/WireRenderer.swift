import Identity

/// How much of an entity to render: `nested` is the body alone (as inside another
/// entity), `list` adds resources (unhydrated list items), `full` adds metadata too.
enum Detail {
    case nested, list, full

    /// `full` when the client asked for `hydrate=True`, else `list`.
    static func of(hydrate: Bool) -> Detail { hydrate ? .full : .list }
}

/// Renders stored records as ZenML response models, from records alone.
///
/// Related records (owners, nested entities, tags, logs…) come from `relations`: a render
/// pass that meets one not loaded yet leaves a placeholder, and the read side
/// (`ResourceReader`) loads every missing relation of the pass, one query per kind, for the
/// next pass, until nothing is missing.
final class WireRenderer {
    var relations: PageRelations
    /// Related records already decoded in this pass (twenty runs of one stack decode it once).
    var relatedRecords: [RelationKey: any StoredRecord] = [:]

    init(relations: PageRelations = PageRelations()) { self.relations = relations }

    /// A programming error: some entity's relations are deeper than `maximumPasses`.
    struct UnsettledRelations: Error {
        let passes: Int
    }

    /// More passes than the deepest chain of relations any entity has.
    static let maximumPasses = 8

    /// The envelope every entity shares.
    static func envelope(id: String, name: JSONValue?, body: JSONValue, metadata: JSONValue, resources: JSONValue) -> JSONValue {
        var value: JSONValue = ["body": body, "metadata": metadata, "resources": resources, "id": .string(id), "permission_denied": false]
        if let name { value["name"] = name }
        return value
    }

    /// Picks metadata/resources according to `detail`.
    func entity(id: String, name: JSONValue?, body: JSONValue, detail: Detail,
                metadata: () throws -> JSONValue, resources: () throws -> JSONValue) rethrows -> JSONValue {
        Self.envelope(id: id, name: name, body: body,
               metadata: detail == .full ? try metadata() : .null,
               resources: detail == .nested ? .null : try resources())
    }

    // MARK: Users and service accounts

    /// The unhydrated user for `resources.user`, or null for server-owned rows.
    func user(id: String?) throws -> JSONValue {
        guard let id else { return .null }
        return relations.users.lookup(id) ?? .null
    }

    /// A user; needs no database, so callers outside a transaction use it directly.
    static func user(_ account: Account, detail: Detail) -> JSONValue {
        let body: JSONValue = [
            "created": .string(account.created), "updated": .string(account.updated), "active": .bool(account.active),
            "activation_token": nil, "full_name": .string(account.fullName), "email_opted_in": .optional(account.emailOptedIn),
            "is_service_account": .bool(account.isServiceAccount), "is_admin": .bool(account.isAdmin),
            "default_project_id": .optional(account.defaultProjectId), "avatar_url": .optional(account.avatarUrl),
        ]
        return envelope(id: account.id, name: .string(account.name), body: body,
                      metadata: detail == .full ? [
                          "password_changed_at": .optional(account.passwordChangedAt), "email": .optional(account.email),
                          "external_user_id": nil, "user_metadata": JSONValue.parseStored(account.userMetadata),
                          "oidc_claims": [:],
                      ] : .null,
                      resources: .null)
    }

    /// A service account (no database needed).
    static func serviceAccount(_ account: Account, detail: Detail) -> JSONValue {
        let body: JSONValue = [
            "created": .string(account.created), "updated": .string(account.updated), "full_name": .string(account.fullName),
            "active": .bool(account.active), "avatar_url": .optional(account.avatarUrl),
        ]
        return envelope(id: account.id, name: .string(account.name), body: body,
                      metadata: detail == .full ? ["description": .optional(account.description), "external_user_id": nil] : .null,
                      resources: .null)
    }

    /// An API key; `key` is the full key, present only in the response that created or rotated it.
    static func apiKey(_ key: APIKey, owner: Account, plaintext: String?, detail: Detail) -> JSONValue {
        var body: JSONValue = ["created": .string(key.created), "updated": .string(key.updated)]
        if let plaintext { body["key"] = .string(plaintext) }
        body["active"] = .bool(key.active)
        body["service_account"] = serviceAccount(owner, detail: .nested)
        return envelope(id: key.id, name: .string(key.name), body: body,
                      metadata: detail == .full ? [
                          "description": .string(key.description), "retain_period_minutes": 0,
                          "last_login": .optional(key.lastLogin), "last_rotated": .optional(key.lastRotated),
                      ] : .null,
                      resources: .null)
    }

    // MARK: Projects

    func project(_ record: ProjectRecord, detail: Detail) throws -> JSONValue {
        Self.envelope(id: record.id, name: .string(record.name),
               body: ["created": .string(record.created), "updated": .string(record.updated), "display_name": .string(record.displayName)],
               metadata: detail == .full ? ["description": .string(record.description), "project_metadata": JSONValue.parseStored(record.projectMetadata)] : .null,
               resources: .null)
    }
}
