/// A secret's name, owner and scope: what Enclave's own database keeps whatever backend
/// holds the values. Never the values themselves.
public struct SecretRecord: Sendable, Equatable {
    public let id: String
    public var name: String
    /// A private secret is seen only by its owner; a public one by everybody signed in.
    public var isPrivate: Bool
    /// The owner (the user who created it).
    public let userID: String?
    public let created: String
    public var updated: String

    /// A record as read back or about to be stored.
    public init(id: String, name: String, isPrivate: Bool, userID: String?, created: String, updated: String) {
        self.id = id; self.name = name; self.isPrivate = isPrivate; self.userID = userID; self.created = created; self.updated = updated
    }

    /// The uniqueness scope of the name: one public secret per name, and one private
    /// secret per name and owner (ZenML's rule), enforced by a UNIQUE constraint on it.
    public var scope: String { isPrivate ? "private:\(userID ?? "")" : "public" }
}

/// A change to a secret: a new name, a new scope, and values to set (`nil` removes a key).
public struct SecretChange: Sendable, Equatable {
    public var name: String?
    public var isPrivate: Bool?
    /// `nil`: values stay as they are.
    public var values: [String: String?]?
    /// Whether `values` replaces all of them (keys left out are removed) rather than
    /// patching them.
    public var replacesValues: Bool

    /// A change of any of the three.
    public init(name: String? = nil, isPrivate: Bool? = nil, values: [String: String?]? = nil, replacesValues: Bool = false) {
        self.name = name; self.isPrivate = isPrivate; self.values = values; self.replacesValues = replacesValues
    }
}
