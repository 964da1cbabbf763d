import Crypto
import Foundation

/// Ed25519 keys in the PEM forms OpenSSL uses (`openssl genpkey -algorithm ed25519`):
/// PKCS#8 for the private key, SubjectPublicKeyInfo for the public key. Both have one
/// fixed DER layout for Ed25519, so they are read by exact prefix.
public enum SigningKey {
    static let privatePrefix: [UInt8] = [0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]
    static let publicPrefix: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]

    /// A new key pair as (private PEM, public PEM).
    public static func generate() -> (privatePEM: String, publicPEM: String) {
        let key = Curve25519.Signing.PrivateKey()
        return (pem("PRIVATE KEY", privatePrefix + Array(key.rawRepresentation)),
                pem("PUBLIC KEY", publicPrefix + Array(key.publicKey.rawRepresentation)))
    }

    /// Reads a PKCS#8 Ed25519 private key.
    public static func privateKey(pem text: String) throws -> Curve25519.Signing.PrivateKey {
        let der = try decode(text, label: "PRIVATE KEY")
        guard der.count == privatePrefix.count + 32, Array(der.prefix(privatePrefix.count)) == privatePrefix else {
            throw InstallerError.refused("not an Ed25519 private key in PKCS#8 PEM form")
        }
        return try Curve25519.Signing.PrivateKey(rawRepresentation: der.suffix(32))
    }

    /// Reads a PKCS#8 Ed25519 private key file.
    public static func privateKey(file path: String) throws -> Curve25519.Signing.PrivateKey {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw InstallerError.refused("cannot read the key \(path)") }
        return try privateKey(pem: text)
    }

    /// Reads a SubjectPublicKeyInfo Ed25519 public key.
    public static func publicKey(pem text: String) throws -> Curve25519.Signing.PublicKey {
        let der = try decode(text, label: "PUBLIC KEY")
        guard der.count == publicPrefix.count + 32, Array(der.prefix(publicPrefix.count)) == publicPrefix else {
            throw InstallerError.refused("not an Ed25519 public key in PEM form")
        }
        return try Curve25519.Signing.PublicKey(rawRepresentation: der.suffix(32))
    }

    /// The public key of a private key, in PEM.
    public static func publicPEM(of key: Curve25519.Signing.PrivateKey) -> String {
        pem("PUBLIC KEY", publicPrefix + Array(key.publicKey.rawRepresentation))
    }

    /// A short fingerprint of a public key for messages and the audit log.
    public static func fingerprint(_ key: Curve25519.Signing.PublicKey) -> String {
        SHA256.hash(data: key.rawRepresentation).prefix(8).map { String($0, radix: 16).leftPadded(2) }.joined()
    }

    static func pem(_ label: String, _ der: [UInt8]) -> String {
        let body = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN \(label)-----\n\(body)\n-----END \(label)-----\n"
    }

    static func decode(_ text: String, label: String) throws -> [UInt8] {
        let begin = "-----BEGIN \(label)-----", end = "-----END \(label)-----"
        guard let start = text.range(of: begin), let stop = text.range(of: end), start.upperBound <= stop.lowerBound else {
            throw InstallerError.refused("expected a PEM block '\(label)'")
        }
        let body = text[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: String(body)) else { throw InstallerError.refused("the PEM block '\(label)' is not valid base64") }
        return Array(data)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
