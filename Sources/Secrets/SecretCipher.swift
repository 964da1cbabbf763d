import Crypto
import Foundation

/// Seals secret values: AES-256-GCM under a fresh random data key per value, the data key
/// itself sealed (wrapped) under the keyring's primary key. The key id travels with the
/// ciphertext, and both seals authenticate the secret's id and the field, so a value copied
/// to another row or field does not open.
///
/// Text form: `esv1.<key id>.<wrapped data key>.<sealed value>` (base64url, each a GCM
/// nonce ‖ ciphertext ‖ tag).
public struct SecretCipher: Sendable {
    public let keyring: Keyring
    static let version = "esv1"

    public init(keyring: Keyring) { self.keyring = keyring }

    static func valueContext(_ secretID: String, _ field: String) -> Data { Data("enclave/secret-value/v1|\(secretID)|\(field)".utf8) }
    static func keyContext(_ keyID: String, _ secretID: String, _ field: String) -> Data {
        Data("enclave/secret-data-key/v1|\(keyID)|\(secretID)|\(field)".utf8)
    }

    /// Seals `value` of `field` of the secret `secretID`.
    public func seal(_ value: String, secretID: String, field: String) throws -> String {
        let dataKey = SymmetricKey(size: .bits256)
        let sealedValue = try AES.GCM.seal(Data(value.utf8), using: dataKey, authenticating: Self.valueContext(secretID, field))
        return try wrap(dataKey, secretID: secretID, field: field, sealedValue: sealedValue)
    }

    /// Opens a sealed value of `field` of `secretID`.
    public func open(_ sealed: String, secretID: String, field: String) throws -> String {
        let parts = try Parts(sealed)
        let dataKey = try unwrap(parts, secretID: secretID, field: field)
        guard let plain = try? AES.GCM.open(AES.GCM.SealedBox(combined: parts.value), using: dataKey, authenticating: Self.valueContext(secretID, field)),
              let text = String(data: plain, encoding: .utf8) else {
            throw SecretsError.tampered("a sealed value of secret \(secretID), field '\(field)', does not open: edited, or moved from another secret or field")
        }
        return text
    }

    /// The same value with its data key wrapped under the primary key instead: what a key
    /// rotation does to old records, without the value itself ever being opened.
    public func rewrap(_ sealed: String, secretID: String, field: String) throws -> String {
        let parts = try Parts(sealed)
        guard parts.keyID != keyring.primaryID else { return sealed }
        let dataKey = try unwrap(parts, secretID: secretID, field: field)
        return try wrap(dataKey, secretID: secretID, field: field, sealedValue: try AES.GCM.SealedBox(combined: parts.value))
    }

    /// The id of the key a sealed value's data key is wrapped under.
    public static func keyID(of sealed: String) throws -> String { try Parts(sealed).keyID }

    func wrap(_ dataKey: SymmetricKey, secretID: String, field: String, sealedValue: AES.GCM.SealedBox) throws -> String {
        let primary = keyring.primary
        let wrapped = try AES.GCM.seal(dataKey.withUnsafeBytes { Data($0) }, using: SymmetricKey(data: primary.material),
                                       authenticating: Self.keyContext(primary.id, secretID, field))
        guard let wrappedBytes = wrapped.combined, let valueBytes = sealedValue.combined else { throw SecretsError.malformed("GCM produced no combined form") }
        return [Self.version, primary.id, Parts.encode(wrappedBytes), Parts.encode(valueBytes)].joined(separator: ".")
    }

    func unwrap(_ parts: Parts, secretID: String, field: String) throws -> SymmetricKey {
        guard let key = keyring.key(parts.keyID) else {
            throw SecretsError.unknownKey("secret \(secretID) is sealed under key \(parts.keyID), which this keyring does not hold")
        }
        guard let box = try? AES.GCM.SealedBox(combined: parts.wrappedKey),
              let material = try? AES.GCM.open(box, using: SymmetricKey(data: key.material), authenticating: Self.keyContext(key.id, secretID, field)),
              material.count == 32 else {
            throw SecretsError.tampered("the data key of secret \(secretID), field '\(field)', does not open under key \(key.id)")
        }
        return SymmetricKey(data: material)
    }

    /// The four dot-separated parts of the text form.
    struct Parts {
        let keyID: String
        let wrappedKey: Data
        let value: Data

        init(_ text: String) throws {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4, parts[0] == SecretCipher.version, !parts[1].isEmpty, parts[1].utf8.count <= 64,
                  let wrapped = Self.decode(parts[2]), let value = Self.decode(parts[3]), wrapped.count == 12 + 32 + 16, value.count >= 28 else {
                throw SecretsError.malformed("not a value sealed by this store")
            }
            keyID = String(parts[1])
            wrappedKey = wrapped
            self.value = value
        }

        static func encode(_ data: Data) -> String {
            data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }

        static func decode(_ text: Substring) -> Data? {
            var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while base64.count % 4 != 0 { base64 += "=" }
            return Data(base64Encoded: base64)
        }
    }
}
