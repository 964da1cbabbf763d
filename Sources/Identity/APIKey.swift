import Foundation
/// A row of `api_keys`: a long-lived credential of a service account. Only the SHA-256
/// of its secret part is stored; the full key is shown once, when it is made.
public struct APIKey: Codable, Sendable {
    public var id: String
    public var serviceAccountId: String
    public var name: String
    public var description: String
    public var keyHash: String
    public var active: Bool
    public var lastLogin: String?
    public var lastRotated: String?
    public var created: String
    public var updated: String

    enum CodingKeys: String, CodingKey {
        case id, name, description, active, created, updated
        case serviceAccountId = "service_account_id", keyHash = "key_hash"
        case lastLogin = "last_login", lastRotated = "last_rotated"
    }
}

/// ZenML's API key wire format: `ZENKEY_` + base64(JSON `{"id": <key uuid>, "key": <64 hex>}`).
public struct APIKeyCredential: Sendable, Equatable {
    /// The `api_keys.id` the key belongs to.
    public let keyID: String
    /// The secret part; 256 random bits as hex.
    public let secret: String

    static let prefix = "ZENKEY_"

    /// The string the client holds and sends as the `password` of the `zenml-api-key` grant.
    public var encoded: String {
        let json = #"{"id":"\#(keyID)","key":"\#(secret)"}"#
        return Self.prefix + Data(json.utf8).base64EncodedString()
    }

    /// Parses a client-sent key; nil when it is not in ZenML's format.
    public init?(encoded: String) {
        guard encoded.hasPrefix(Self.prefix), encoded.utf8.count < 1024 else { return nil }
        var body = String(encoded.dropFirst(Self.prefix.count))
        while body.utf8.count % 4 != 0 { body += "=" }
        guard let data = Data(base64Encoded: body),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let id = object["id"] as? String, UUID(uuidString: id) != nil,
              let key = object["key"] as? String, !key.isEmpty
        else { return nil }
        keyID = id.lowercased()
        secret = key
    }

    init(keyID: String, secret: String) {
        self.keyID = keyID
        self.secret = secret
    }
}
