import Foundation

extension Installation {
    /// The bundle-signing keys this host trusts and the ones it revoked, one per line.
    public func listKeys() throws -> [String] {
        let trust = try TrustedKeys.load(folder: layout.trustedKeys)
        let known = trust.keys.map { key -> String in
            let print = SigningKey.fingerprint(key)
            return "\(print)  \(trust.revoked.contains(print) ? "revoked" : "trusted")"
        }
        return known + trust.revoked.subtracting(trust.keys.map(SigningKey.fingerprint)).sorted().map { "\($0)  revoked" }
    }

    /// Revokes a signing key on this host, under the installer lock, in the audit log.
    public func revokeKey(_ fingerprint: String) throws -> [String] {
        try audited("revoke-key", bundle: nil) { audit in
            let lock = try InstallerLock(layout)
            defer { withExtendedLifetime(lock) {} }
            let print = fingerprint.lowercased()
            guard print.count == 16, print.allSatisfy(\.isHexDigit) else {
                throw InstallerError.refused("'\(EntryPolicy.printable(fingerprint))' is not a key fingerprint (16 hex digits, as `enclave keys list` shows)")
            }
            var trust = try TrustedKeys.load(folder: layout.trustedKeys)
            try trust.revoke(print)
            try trust.save(to: layout.trustedKeys)
            audit.keyChange = "revoked \(print)"
            return ["revoked \(print); bundles signed by it are refused from now on"]
        }
    }
}
