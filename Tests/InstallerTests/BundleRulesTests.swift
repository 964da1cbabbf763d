import Foundation
@testable import Installer
import Testing

@Suite struct BundleRulesTests {
    @Test func versionsOrderAsReleases() throws {
        let v = { (s: String) in try #require(ReleaseVersion(s)) }
        #expect(try v("1.2.3") < v("1.10.0"))
        #expect(try v("1.2.3-rc1") < v("1.2.3"))
        #expect(try v("2.0.0") > v("1.99.99"))
        for bad in ["1.2", "1.2.3.4", "v1.2.3", "1.2.x", "1.2.3-", "01.2.3 ", "1..3", "1.2.3-rc/1", ""] {
            #expect(ReleaseVersion(bad) == nil, "\(bad)")
        }
    }

    @Test func pathPolicyRefusesEveryTrick() {
        for good in ["install.sh", "payload/bin/enclave", "payload/lib/libsqlite3.so.0", "payload/share/enclave/enclave.service"] {
            #expect(EntryPolicy.problem(with: good) == nil, "\(good)")
        }
        for bad in ["", "/etc/x", "../x", "a/../b", "a/./b", "a//b", "a\\b", "C:x", "a/CON", "a/nul.txt", "a/com1.log", "a/x.",
                    "a/-rf", "a/\u{0}b", "a/\u{7}", "a/caf\u{e9}", String(repeating: "a/", count: 20) + "x",
                    "a/" + String(repeating: "x", count: 256)] {
            #expect(EntryPolicy.problem(with: bad) != nil, "\(bad)")
        }
    }

    func manifest(_ files: String, extra: String = "", format: Int = 1) -> Data {
        Data("""
        {"format": \(format), "product": "enclave", "version": "1.0.0", "architecture": "x86_64", "min_upgrade_from": null,
         "created": "now", \(extra) "files": [\(files)]}
        """.utf8)
    }

    let required = #"{"path": "install.sh", "size": 1, "sha256": "\#(String(repeating: "a", count: 64))", "mode": "0755"}, {"path": "payload/bin/enclave", "size": 1, "sha256": "\#(String(repeating: "b", count: 64))", "mode": "0755"}"#

    @Test func manifestsAreReadStrictly() throws {
        let parsed = try BundleManifest.decode(manifest(required))
        #expect(parsed.files.count == 2 && parsed.version.description == "1.0.0")
        #expect(try BundleManifest.decode(parsed.encoded) == parsed)
        let file = { (path: String, mode: String) in #"{"path": "\#(path)", "size": 1, "sha256": "\#(String(repeating: "c", count: 64))", "mode": "\#(mode)"}"# }
        let refused: [Data] = [
            manifest(required, extra: #""signed_by": "me","#),
            manifest(required, format: 2),
            manifest(file("install.sh", "0755")),
            manifest(required + ", " + file("payload/x", "4755")),
            manifest(required + ", " + file("payload/x", "0777")),
            manifest(required + ", " + file("etc/passwd", "0644")),
            manifest(required + ", " + file("payload/x", "0644") + ", " + file("payload/X", "0644")),
            manifest(required + ", " + file("payload/x", "0644") + ", " + file("payload/x/y", "0644")),
            manifest(required.replacingOccurrences(of: "\"size\": 1", with: "\"size\": -1")),
            manifest(required.replacingOccurrences(of: String(repeating: "a", count: 64), with: String(repeating: "A", count: 64))),
            Data("not json".utf8),
        ]
        for data in refused {
            #expect(throws: InstallerError.self, "\(String(decoding: data, as: UTF8.self))") { try BundleManifest.decode(data) }
        }
    }

    @Test func keysRoundTripThroughPEM() throws {
        let (privatePEM, publicPEM) = SigningKey.generate()
        let key = try SigningKey.privateKey(pem: privatePEM)
        #expect(SigningKey.publicPEM(of: key) == publicPEM)
        let message = Data("manifest".utf8)
        #expect(try SigningKey.publicKey(pem: publicPEM).isValidSignature(try key.signature(for: message), for: message))
        #expect(throws: InstallerError.self) { try SigningKey.publicKey(pem: privatePEM) }
        #expect(throws: InstallerError.self) { try SigningKey.privateKey(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n") }
    }
}
