import Crypto
import Foundation

/// A signed statement that introduces a new bundle-signing key: the new key, endorsed by
/// the fingerprint of the key that signs the statement (one the hosts already trust), and
/// whether that endorsing key is retired from then on. A bundle carries it as
/// `key-rotation.json` + `key-rotation.sig`, so hosts that pin the old key accept bundles
/// signed by the new one and keep trusting it afterwards.
public struct KeyRotation: Equatable {
    public static let format = 1
    public static let kind = "enclave-key-rotation"
    /// Names of the two bundle entries.
    public static let statementPath = "key-rotation.json"
    public static let signaturePath = "key-rotation.sig"

    public let newKey: Curve25519.Signing.PublicKey
    /// Fingerprint (`SigningKey.fingerprint`) of the key that signed the statement.
    public let endorsedBy: String
    /// The endorsing key is revoked once a host accepts the new key.
    public let retiresEndorser: Bool
    public let created: String

    public static func == (lhs: KeyRotation, rhs: KeyRotation) -> Bool {
        lhs.newKey.rawRepresentation == rhs.newKey.rawRepresentation && lhs.endorsedBy == rhs.endorsedBy
            && lhs.retiresEndorser == rhs.retiresEndorser && lhs.created == rhs.created
    }

    /// Signs a statement endorsing `newKey` with `oldKey`; returns (statement bytes, signature).
    public static func sign(newKey: Curve25519.Signing.PublicKey, with oldKey: Curve25519.Signing.PrivateKey,
                            retireOld: Bool) throws -> (statement: Data, signature: Data) {
        let spki = Data(SigningKey.publicPrefix + Array(newKey.rawRepresentation)).base64EncodedString()
        let created = ISO8601DateFormatter().string(from: Date())
        let text = """
        {
          "format": \(format),
          "kind": "\(kind)",
          "new_key": "\(spki)",
          "new_key_fingerprint": "\(SigningKey.fingerprint(newKey))",
          "endorsed_by": "\(SigningKey.fingerprint(oldKey.publicKey))",
          "retire_endorser": \(retireOld),
          "created": "\(created)"
        }

        """
        let statement = Data(text.utf8)
        return (statement, try oldKey.signature(for: statement))
    }

    /// Parses a statement strictly (its signature is checked by `TrustedKeys`).
    public static func decode(_ data: Data) throws -> KeyRotation {
        func bad(_ message: String) -> InstallerError { .rejected("key rotation: \(message)") }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw bad("not a JSON object") }
        let known: Set<String> = ["format", "kind", "new_key", "new_key_fingerprint", "endorsed_by", "retire_endorser", "created"]
        if let unknown = object.keys.first(where: { !known.contains($0) }) { throw bad("unknown field '\(unknown)'") }
        guard object["format"] as? Int == format, object["kind"] as? String == kind else { throw bad("unsupported format or kind") }
        guard let spki = object["new_key"] as? String, let der = Data(base64Encoded: spki),
              der.count == SigningKey.publicPrefix.count + 32, Array(der.prefix(SigningKey.publicPrefix.count)) == SigningKey.publicPrefix,
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: der.suffix(32)) else { throw bad("new_key is not an Ed25519 public key") }
        guard object["new_key_fingerprint"] as? String == SigningKey.fingerprint(key) else { throw bad("new_key_fingerprint does not match new_key") }
        guard let endorser = object["endorsed_by"] as? String, endorser.count == 16 else { throw bad("missing endorsed_by") }
        guard let retire = object["retire_endorser"] as? Bool else { throw bad("retire_endorser must be true or false") }
        guard let created = object["created"] as? String else { throw bad("missing created") }
        guard SigningKey.fingerprint(key) != endorser else { throw bad("a key cannot endorse itself") }
        return KeyRotation(newKey: key, endorsedBy: endorser, retiresEndorser: retire, created: created)
    }
}
