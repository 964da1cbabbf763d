import Crypto
import Foundation

/// The bundle-signing keys a host trusts and the ones it has revoked, kept in
/// `etc/enclave/trusted-keys/`: the key pinned at install (`release.pub.pem`), keys
/// introduced later by a verified `KeyRotation` (`<fingerprint>.pub.pem`) and the
/// fingerprints of revoked keys (`revoked`, one per line). A revoked key is refused
/// even if its file is still there.
public struct TrustedKeys {
    public static let pinnedName = "release.pub.pem"
    public static let revokedName = "revoked"

    public private(set) var keys: [Curve25519.Signing.PublicKey]
    public private(set) var revoked: Set<String>

    /// A set trusting `keys`, none revoked unless named.
    public init(keys: [Curve25519.Signing.PublicKey], revoked: Set<String> = []) {
        self.keys = keys
        self.revoked = revoked
    }

    /// The keys in `folder`; an unreadable or malformed key file is an error, not skipped.
    public static func load(folder: String) throws -> TrustedKeys {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".pub.pem") }.sorted {
            ($0 == pinnedName ? "" : $0) < ($1 == pinnedName ? "" : $1)
        }
        guard !names.isEmpty else { throw InstallerError.failed("no trusted key in \(folder)") }
        let keys = try names.map { name -> Curve25519.Signing.PublicKey in
            guard let text = try? String(contentsOfFile: folder + "/" + name, encoding: .utf8) else { throw InstallerError.failed("cannot read \(folder)/\(name)") }
            return try SigningKey.publicKey(pem: text)
        }
        let revokedText = (try? String(contentsOfFile: folder + "/" + revokedName, encoding: .utf8)) ?? ""
        let revoked = Set(revokedText.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") })
        return TrustedKeys(keys: keys, revoked: revoked)
    }

    /// Whether `key` is trusted and not revoked.
    public func trusts(_ key: Curve25519.Signing.PublicKey) -> Bool {
        !revoked.contains(SigningKey.fingerprint(key)) && keys.contains { $0.rawRepresentation == key.rawRepresentation }
    }

    /// The key whose signature over `manifest` verifies. A rotation, if the bundle carries
    /// one, must be endorsed by a trusted, unrevoked key or the bundle is refused; its new
    /// key then counts as trusted for this bundle.
    func signer(of manifest: Data, signature: Data, rotation: (statement: Data, signature: Data)?) throws -> (Curve25519.Signing.PublicKey, KeyRotation?) {
        var candidates = keys.filter { !revoked.contains(SigningKey.fingerprint($0)) }
        var accepted: KeyRotation?
        if let rotation {
            let statement = try KeyRotation.decode(rotation.statement)
            guard let endorser = keys.first(where: { SigningKey.fingerprint($0) == statement.endorsedBy }) else {
                throw InstallerError.rejected("the bundle introduces key \(SigningKey.fingerprint(statement.newKey)) endorsed by \(statement.endorsedBy), a key this host does not trust")
            }
            guard !revoked.contains(statement.endorsedBy) else {
                throw InstallerError.rejected("the bundle's key rotation is endorsed by \(statement.endorsedBy), which this host has revoked")
            }
            guard rotation.signature.count == 64, endorser.isValidSignature(rotation.signature, for: rotation.statement) else {
                throw InstallerError.rejected("the bundle's key rotation does not verify with \(statement.endorsedBy) (forged or damaged)")
            }
            guard !revoked.contains(SigningKey.fingerprint(statement.newKey)) else {
                throw InstallerError.rejected("the bundle introduces key \(SigningKey.fingerprint(statement.newKey)), which this host has revoked")
            }
            candidates.append(statement.newKey)
            accepted = statement
        }
        if signature.count == 64, let key = candidates.first(where: { $0.isValidSignature(signature, for: manifest) }) {
            return (key, accepted)
        }
        if signature.count == 64, let key = keys.first(where: { $0.isValidSignature(signature, for: manifest) }) {
            throw InstallerError.rejected("the bundle is signed by \(SigningKey.fingerprint(key)), a key this host has revoked")
        }
        let trusted = candidates.map(SigningKey.fingerprint).joined(separator: ", ")
        throw InstallerError.rejected("the manifest signature does not verify with the trusted key \(trusted.isEmpty ? "(none left)" : trusted)")
    }

    /// Trusts the rotation's new key and, if it says so, revokes the key that endorsed it.
    public mutating func accept(_ rotation: KeyRotation) {
        if !keys.contains(where: { $0.rawRepresentation == rotation.newKey.rawRepresentation }) { keys.append(rotation.newKey) }
        if rotation.retiresEndorser { revoked.insert(rotation.endorsedBy) }
    }

    /// Revokes the key with `fingerprint`; refused when it would leave no usable key.
    public mutating func revoke(_ fingerprint: String) throws {
        guard keys.contains(where: { SigningKey.fingerprint($0) != fingerprint && !revoked.contains(SigningKey.fingerprint($0)) }) else {
            throw InstallerError.refused("revoking \(fingerprint) would leave no trusted key; no bundle could be installed after it")
        }
        revoked.insert(fingerprint)
    }

    /// Writes every key not yet in `folder` and the revocation list (atomically).
    public func save(to folder: String) throws {
        try HostFiles.makeDirectory(folder)
        let existing = (try? TrustedKeys.load(folder: folder).keys) ?? []
        for key in keys where !existing.contains(where: { $0.rawRepresentation == key.rawRepresentation }) {
            let pem = SigningKey.pem("PUBLIC KEY", SigningKey.publicPrefix + Array(key.rawRepresentation))
            let name = existing.isEmpty && key.rawRepresentation == keys.first?.rawRepresentation ? Self.pinnedName : SigningKey.fingerprint(key) + ".pub.pem"
            try HostFiles.writeAtomically(Data(pem.utf8), to: folder + "/" + name, mode: 0o644)
        }
        let list = "# fingerprints of revoked bundle-signing keys (enclave keys revoke)\n" + revoked.sorted().map { $0 + "\n" }.joined()
        try HostFiles.writeAtomically(Data(list.utf8), to: folder + "/" + Self.revokedName, mode: 0o644)
    }
}
