import Crypto
import Foundation
@testable import Installer
import Testing

@Suite struct TrustedKeysTests {
    let old = Curve25519.Signing.PrivateKey()
    let new = Curve25519.Signing.PrivateKey()
    let manifest = Data("{\"format\": 1}\n".utf8)

    @Test func aRotationEndorsedByATrustedKeyAdmitsTheNewKey() throws {
        let rotation = try KeyRotation.sign(newKey: new.publicKey, with: old, retireOld: true)
        let trust = TrustedKeys(keys: [old.publicKey])
        let (signer, accepted) = try trust.signer(of: manifest, signature: try new.signature(for: manifest), rotation: rotation)
        #expect(signer.rawRepresentation == new.publicKey.rawRepresentation)
        var after = trust
        after.accept(try #require(accepted))
        #expect(after.trusts(new.publicKey) && !after.trusts(old.publicKey))
        #expect(throws: InstallerError.self) { try after.signer(of: manifest, signature: try old.signature(for: manifest), rotation: nil) }
    }

    @Test func forgedOrMismatchedRotationsAreRefused() throws {
        let stranger = Curve25519.Signing.PrivateKey()
        let trust = TrustedKeys(keys: [old.publicKey])
        let signed = try new.signature(for: manifest)
        let byStranger = try KeyRotation.sign(newKey: new.publicKey, with: stranger, retireOld: false)
        #expect(throws: InstallerError.self) { try trust.signer(of: manifest, signature: signed, rotation: byStranger) }
        let genuine = try KeyRotation.sign(newKey: new.publicKey, with: old, retireOld: false)
        let edited = Data(String(decoding: genuine.statement, as: UTF8.self).replacingOccurrences(of: "false", with: "true").utf8)
        #expect(throws: InstallerError.self) { try trust.signer(of: manifest, signature: signed, rotation: (edited, genuine.signature)) }
        var revoked = trust
        revoked.accept(try KeyRotation.decode(genuine.statement))
        try revoked.revoke(SigningKey.fingerprint(new.publicKey))
        #expect(throws: InstallerError.self) { try revoked.signer(of: manifest, signature: signed, rotation: nil) }
        #expect(throws: InstallerError.self) { try revoked.revoke(SigningKey.fingerprint(old.publicKey)) }  // the last usable key
    }

    @Test func rotationStatementsAreReadStrictly() throws {
        let genuine = try KeyRotation.sign(newKey: new.publicKey, with: old, retireOld: false).statement
        let text = String(decoding: genuine, as: UTF8.self)
        for broken in [text.replacingOccurrences(of: "\"format\": 1", with: "\"format\": 2"),
                       text.replacingOccurrences(of: "\"created\"", with: "\"extra\": 1, \"created\""),
                       text.replacingOccurrences(of: SigningKey.fingerprint(new.publicKey), with: "0000000000000000"),
                       text.replacingOccurrences(of: SigningKey.fingerprint(old.publicKey), with: SigningKey.fingerprint(new.publicKey)),
                       "[]", ""] {
            #expect(throws: InstallerError.self) { try KeyRotation.decode(Data(broken.utf8)) }
        }
    }

    @Test func openPGPKeysCarryTheSameEd25519Key() throws {
        let exported = try OpenPGPSignature.publicKey(of: old)
        #expect(OpenPGPSignature.ed25519Key(inPublicKey: exported) == Array(old.publicKey.rawRepresentation))
        #expect(OpenPGPSignature.mpi([0, 0, 1]) == [0, 1, 1])
        #expect(OpenPGPSignature.mpi([0x40] + [UInt8](repeating: 0xFF, count: 32)).prefix(2) == [0x01, 0x07])
        #expect(OpenPGPSignature.mpi([]) == [0, 0])
    }
}
