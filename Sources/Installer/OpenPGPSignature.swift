import Crypto
import Foundation

/// The same Ed25519 signing key in OpenPGP form (RFC 4880 v4 packets, EdDSA on Ed25519),
/// so a host whose `openssl` cannot check Ed25519 (OpenSSL 1.1.1) can verify a bundle with
/// `gpgv`, which every apt- and rpm-based host carries to check its own packages.
/// Key and signature creation times are fixed at 0: the key's fingerprint then depends on
/// the key alone, and a host with a wrong clock cannot call a signature "made in the future".
public enum OpenPGPSignature {
    static let ed25519OID: [UInt8] = [0x2B, 0x06, 0x01, 0x04, 0x01, 0xDA, 0x47, 0x0F, 0x01]
    static let eddsaAlgorithm: UInt8 = 22
    static let sha256Algorithm: UInt8 = 8
    /// The bundle entry holding the OpenPGP signature of `manifest.json`.
    public static let bundlePath = "manifest.pgp"
    /// The user ID bound to every exported key.
    public static let userID = "Enclave release signing"

    /// A transferable public key (key, user ID, self-certification) for `gpgv --keyring`.
    public static func publicKey(of key: Curve25519.Signing.PrivateKey) throws -> Data {
        let body = keyBody(key.publicKey)
        let uid = Array(userID.utf8)
        let hashedKey = [0x99] + bigEndian(UInt16(body.count)) + body
        let certified = hashedKey + [0xB4] + bigEndian(UInt32(uid.count)) + uid
        let certification = try signature(type: 0x13, over: certified, key: key, extra: [subpacket(27, [0x03])])
        return Data(packet(6, body) + packet(13, uid) + certification)
    }

    /// A detached binary-document signature of `message` (`gpgv --keyring K SIG FILE`).
    public static func detachedSignature(of message: Data, key: Curve25519.Signing.PrivateKey) throws -> Data {
        Data(try signature(type: 0x00, over: Array(message), key: key, extra: []))
    }

    /// The raw Ed25519 public key inside an exported OpenPGP key, to check that it is the
    /// same key as a PEM one.
    public static func ed25519Key(inPublicKey data: Data) -> [UInt8]? {
        let bytes = Array(data)
        guard bytes.count > 2, bytes[0] == 0xC6 else { return nil }
        let length = Int(bytes[1])
        let body = Array(bytes.dropFirst(2).prefix(length))
        let prefix: [UInt8] = [4, 0, 0, 0, 0, eddsaAlgorithm, UInt8(ed25519OID.count)] + ed25519OID + [0x01, 0x07, 0x40]
        guard body.count == prefix.count + 32, Array(body.prefix(prefix.count)) == prefix else { return nil }
        return Array(body.suffix(32))
    }

    static func keyBody(_ key: Curve25519.Signing.PublicKey) -> [UInt8] {
        [4] + bigEndian(UInt32(0)) + [eddsaAlgorithm, UInt8(ed25519OID.count)] + ed25519OID + mpi([0x40] + Array(key.rawRepresentation))
    }

    static func fingerprint(_ key: Curve25519.Signing.PublicKey) -> [UInt8] {
        let body = keyBody(key)
        return Array(Insecure.SHA1.hash(data: [0x99] + bigEndian(UInt16(body.count)) + body))
    }

    static func signature(type: UInt8, over prefix: [UInt8], key: Curve25519.Signing.PrivateKey, extra: [[UInt8]]) throws -> [UInt8] {
        let print = fingerprint(key.publicKey)
        let hashed = ([subpacket(2, bigEndian(UInt32(0))), subpacket(33, [4] + print)] + extra).flatMap { $0 }
        let head = [4, type, eddsaAlgorithm, sha256Algorithm] + bigEndian(UInt16(hashed.count)) + hashed
        let trailer = head + [0x04, 0xFF] + bigEndian(UInt32(head.count))
        let digest = Array(SHA256.hash(data: prefix + trailer))
        let signed = Array(try key.signature(for: digest))
        let unhashed = subpacket(16, Array(print.suffix(8)))
        return packet(2, head + bigEndian(UInt16(unhashed.count)) + unhashed + digest.prefix(2) + mpi(Array(signed.prefix(32))) + mpi(Array(signed.suffix(32))))
    }

    static func subpacket(_ type: UInt8, _ data: [UInt8]) -> [UInt8] { [UInt8(data.count + 1), type] + data }

    /// A multiprecision integer: bit count, then the bytes without leading zeros.
    static func mpi(_ bytes: [UInt8]) -> [UInt8] {
        let trimmed = Array(bytes.drop { $0 == 0 })
        guard let first = trimmed.first else { return [0, 0] }
        let bits = (trimmed.count - 1) * 8 + (8 - first.leadingZeroBitCount)
        return bigEndian(UInt16(bits)) + trimmed
    }

    /// A new-format packet; every packet made here is shorter than 192 bytes.
    static func packet(_ tag: UInt8, _ body: [UInt8]) -> [UInt8] {
        precondition(body.count < 192, "OpenPGP packets made here are short")
        return [0xC0 | tag, UInt8(body.count)] + body
    }

    static func bigEndian(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
    static func bigEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (24 - 8 * $0)) & 0xFF) } }
}
