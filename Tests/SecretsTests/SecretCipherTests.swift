import Foundation
import Testing
@testable import Secrets

/// Envelope sealing: fresh keys per value, ids and fields bound, edits and moves refused,
/// rotation by re-wrapping, and the keyring file's rules.
@Suite struct SecretCipherTests {
    let cipher = SecretCipher(keyring: .generate())

    @Test func sealedValuesOpenOnlyWhereTheyWereSealed() throws {
        let sealed = try cipher.seal("hunter2-päss", secretID: "s1", field: "password")
        #expect(try cipher.open(sealed, secretID: "s1", field: "password") == "hunter2-päss")
        #expect(try cipher.seal("hunter2-päss", secretID: "s1", field: "password") != sealed)  // fresh data key and nonce
        #expect(throws: SecretsError.self) { try cipher.open(sealed, secretID: "s2", field: "password") }
        #expect(throws: SecretsError.self) { try cipher.open(sealed, secretID: "s1", field: "username") }
        for text in ["hunter2", Data("hunter2".utf8).base64EncodedString(), "68756e74657232"] {
            #expect(!sealed.contains(text))
        }
    }

    @Test func everyEditedByteIsRefused() throws {
        let sealed = try cipher.seal("value", secretID: "s", field: "f")
        var bytes = Array(sealed.utf8)
        for index in stride(from: SecretCipher.version.count + 1, to: bytes.count, by: 7) {
            let original = bytes[index]
            bytes[index] = original == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            let edited = String(decoding: bytes, as: UTF8.self)
            if edited != sealed {
                #expect(throws: SecretsError.self, "byte \(index)") { try cipher.open(edited, secretID: "s", field: "f") }
            }
            bytes[index] = original
        }
        for malformed in ["", "esv1", "esv2.k.a.b", "esv1..AAAA.AAAA", "esv1.k.!!.??", sealed + ".x"] {
            #expect(throws: SecretsError.self) { try cipher.open(malformed, secretID: "s", field: "f") }
        }
    }

    @Test func anotherKeyringCannotOpen() throws {
        let sealed = try cipher.seal("value", secretID: "s", field: "f")
        #expect(throws: SecretsError.unknownKey("secret s is sealed under key \(cipher.keyring.primaryID), which this keyring does not hold")) {
            try SecretCipher(keyring: .generate()).open(sealed, secretID: "s", field: "f")
        }
        // Same id, other key material: the GCM tag says no.
        let impostor = Keyring(keys: [Keyring.Key(id: cipher.keyring.primaryID, created: "x", material: Array(repeating: 7, count: 32))],
                               primaryID: cipher.keyring.primaryID)
        #expect(throws: SecretsError.self) { try SecretCipher(keyring: impostor).open(sealed, secretID: "s", field: "f") }
    }

    @Test func rotationRewrapsWithoutLosingAnything() throws {
        let old = try cipher.seal("value", secretID: "s", field: "f")
        let rotated = SecretCipher(keyring: cipher.keyring.addingKey())
        #expect(rotated.keyring.keys.count == 2 && rotated.keyring.primaryID != cipher.keyring.primaryID)
        #expect(try rotated.open(old, secretID: "s", field: "f") == "value")
        let rewrapped = try rotated.rewrap(old, secretID: "s", field: "f")
        #expect(try SecretCipher.keyID(of: rewrapped) == rotated.keyring.primaryID)
        #expect(try rotated.rewrap(rewrapped, secretID: "s", field: "f") == rewrapped)
        let withoutOld = SecretCipher(keyring: Keyring(keys: [rotated.keyring.primary], primaryID: rotated.keyring.primaryID))
        #expect(try withoutOld.open(rewrapped, secretID: "s", field: "f") == "value")
        #expect(throws: SecretsError.self) { try withoutOld.open(old, secretID: "s", field: "f") }
        #expect(throws: SecretsError.self) { try rotated.rewrap(old, secretID: "other", field: "f") }
    }

    @Test func theKeyringFileIsPrivateAndChecked() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("keyring-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/keys/keyring.json"
        #expect(throws: SecretsError.self) { try Keyring.load(path: path) }
        let ring = Keyring.generate().addingKey()
        try ring.save(path: path)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        #expect(try Keyring.load(path: path) == ring)
        chmod(path, 0o644)
        #expect(throws: SecretsError.self) { try Keyring.load(path: path) }
        chmod(path, 0o600)
        for garbage in ["", "{}", "[]", "{\"format\":\"enclave-keyring/1\",\"primary\":\"x\",\"keys\":[]}",
                        "{\"format\":\"enclave-keyring/1\",\"primary\":\"x\",\"keys\":[{\"id\":\"x\",\"created\":\"t\",\"key\":\"c2hvcnQ=\"}]}"] {
            try Data(garbage.utf8).write(to: URL(fileURLWithPath: path))
            chmod(path, 0o600)
            #expect(throws: SecretsError.self, "\(garbage)") { try Keyring.load(path: path) }
        }
    }
}
