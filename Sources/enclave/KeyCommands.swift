import ArgumentParser
import Foundation
import Installer

/// `enclave keys …`: bundle-signing keys on the build side (generate, rotate, export) and
/// the host's trusted set (list, revoke).
struct Keys: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage bundle signing keys.",
                                                    subcommands: [GenerateKeys.self, ExportOpenPGPKey.self, RotateKey.self, ListKeys.self, RevokeKey.self])
}

/// Writes `data` to a new file; never overwrites.
func writeNew(_ path: String, _ data: Data, mode: Int) throws {
    guard !FileManager.default.fileExists(atPath: path) else { throw InstallerError.conflict("\(path) exists; not overwriting it") }
    guard FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: mode]) else {
        throw InstallerError.failed("cannot write \(path)")
    }
}

struct GenerateKeys: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "generate",
        abstract: "Make an Ed25519 key pair: DIR/signing.pem (PKCS#8), DIR/signing.pub.pem and the same public key for gpgv, DIR/signing.pub.pgp.")
    @Option(help: "Folder for the keys (created if missing).") var out: String

    func run() throws {
        try reportingFailures {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let (privatePEM, publicPEM) = SigningKey.generate()
            let privatePath = out + "/signing.pem", publicPath = out + "/signing.pub.pem", openPGPPath = out + "/signing.pub.pgp"
            try writeNew(privatePath, Data(privatePEM.utf8), mode: 0o600)
            try writeNew(publicPath, Data(publicPEM.utf8), mode: 0o644)
            try writeNew(openPGPPath, try OpenPGPSignature.publicKey(of: try SigningKey.privateKey(pem: privatePEM)), mode: 0o644)
            return ["wrote \(privatePath) (keep it secret), \(publicPath) and \(openPGPPath) (hand both public files to hosts)"]
        }
    }
}

struct ExportOpenPGPKey: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export-openpgp",
        abstract: "Write a signing key's public half as an OpenPGP key, for hosts whose openssl cannot check Ed25519 (install.sh uses gpgv there).")
    @Option(help: "Ed25519 private key (PKCS#8 PEM).") var key: String
    @Option(help: "File to write (signing.pub.pgp next to signing.pub.pem).") var out: String

    func run() throws {
        try reportingFailures {
            try writeNew(out, try OpenPGPSignature.publicKey(of: try SigningKey.privateKey(file: key)), mode: 0o644)
            return ["wrote \(out)"]
        }
    }
}

struct RotateKey: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rotate",
        abstract: "Endorse a new signing key with the current one: writes key-rotation.json and key-rotation.sig for `bundle create --rotation`.",
        discussion: "Hosts that trust the current key accept a bundle signed by the new key when it carries this rotation, and trust the new key from then on. With --retire-old they also revoke the current key.")
    @Option(help: "The current (trusted) private key.") var old: String
    @Option(help: "The new private key (from `enclave keys generate`).") var new: String
    @Flag(name: .customLong("retire-old"), help: "Hosts revoke the current key once they accept the new one.") var retireOld = false
    @Option(help: "Folder to write the rotation into.") var out: String

    func run() throws {
        try reportingFailures {
            let oldKey = try SigningKey.privateKey(file: old)
            let newKey = try SigningKey.privateKey(file: new)
            guard oldKey.publicKey.rawRepresentation != newKey.publicKey.rawRepresentation else { throw InstallerError.refused("the old and new keys are the same key") }
            let (statement, signature) = try KeyRotation.sign(newKey: newKey.publicKey, with: oldKey, retireOld: retireOld)
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            try writeNew(out + "/" + KeyRotation.statementPath, statement, mode: 0o644)
            try writeNew(out + "/" + KeyRotation.signaturePath, signature, mode: 0o644)
            return ["wrote the rotation \(SigningKey.fingerprint(oldKey.publicKey)) → \(SigningKey.fingerprint(newKey.publicKey))\(retireOld ? " (retires the old key)" : "") in \(out); sign the next bundle with the new key and pass --rotation \(out)"]
        }
    }
}

struct ListKeys: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The bundle-signing keys this host trusts and the ones it has revoked.")
    @OptionGroup var root: RootOption

    func run() throws {
        try reportingFailures { try Installation(root: root.root).listKeys() }
    }
}

struct RevokeKey: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Refuse bundles signed by a key from now on (it must not be the last trusted key).")
    @Argument(help: "Fingerprint of the key, as `enclave keys list` shows it.") var fingerprint: String
    @OptionGroup var root: RootOption

    func run() throws {
        try reportingFailures { try Installation(root: root.root).revokeKey(fingerprint) }
    }
}
