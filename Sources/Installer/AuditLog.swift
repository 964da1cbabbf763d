import Crypto
import Foundation

/// One line of `var/lib/enclave/installer/audit.log`: what an install, upgrade, rollback
/// or recovery tried, with which bundle and key, and how it ended. Filled in as the
/// operation learns the facts; written once, whatever the outcome.
final class AuditEntry {
    let action: String
    var bundle: String?
    /// SHA-256 of the signed manifest: names the bundle's exact content.
    var manifestSHA256: String?
    var signer: String?
    var from: String?
    var to: String?
    /// A change to the trusted signing keys (a rotation accepted, a key revoked).
    var keyChange: String?

    init(action: String, bundle: String?) {
        self.action = action
        self.bundle = bundle
    }

    /// Records what a verified bundle is.
    func note(_ verified: BundleReader.VerifiedBundle) {
        manifestSHA256 = SHA256.hash(data: verified.manifestBytes).map { String($0, radix: 16).leftPadded(2) }.joined()
        signer = verified.signer
        to = verified.manifest.version.description
    }

    /// Appends the entry as one JSON line (0600, append-only writes).
    func write(to layout: InstallLayout, outcome: String, reason: String?) {
        var fields: [String: Any] = ["time": ISO8601DateFormatter().string(from: Date()), "action": action, "outcome": outcome]
        for (key, value) in [("bundle", bundle), ("manifest_sha256", manifestSHA256), ("signer", signer), ("from", from), ("to", to), ("key_change", keyChange), ("reason", reason)] {
            if let value { fields[key] = value }
        }
        guard (try? HostFiles.makeDirectory(layout.installerDirectory, mode: 0o700)) != nil,
              var line = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else { return }
        line.append(0x0A)
        let fd = open(layout.installerDirectory + "/audit.log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { return }
        _ = line.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, line.count) }
        fsync(fd)
        close(fd)
    }
}

extension Installation {
    /// Runs `work`, then records its outcome in the audit log (also when it throws).
    func audited(_ action: String, bundle: String?, _ work: (AuditEntry) throws -> [String]) throws -> [String] {
        let entry = AuditEntry(action: action, bundle: bundle.map { ($0 as NSString).standardizingPath })
        do {
            let lines = try work(entry)
            entry.write(to: layout, outcome: "ok", reason: lines.last)
            return lines
        } catch {
            entry.write(to: layout, outcome: "failed", reason: "\(error)")
            throw error
        }
    }
}
