import Foundation
import Testing
@testable import ControlPlane

/// The read policy on real files: inside an allowed root and the store's root only, never in
/// the data folder or at the keyring (except the server's own artifact store in it).
@Suite struct ArtifactReadPolicyTests {
    @Test func theDataFolderAndKeyringStayClosedInsideAnAllowedRoot() async throws {
        let top = FileManager.default.temporaryDirectory.appendingPathComponent("enclave-policy-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: top) }
        let data = top + "/data", artifacts = data + "/artifacts", keyring = top + "/keyring.json"
        try FileManager.default.createDirectory(atPath: artifacts + "/run", withIntermediateDirectories: true)
        try Data("sealed".utf8).write(to: URL(fileURLWithPath: keyring))
        try Data("db".utf8).write(to: URL(fileURLWithPath: data + "/enclave.sqlite"))
        try Data("<p>ok</p>".utf8).write(to: URL(fileURLWithPath: artifacts + "/run/page.html"))
        try FileManager.default.createSymbolicLink(atPath: artifacts + "/run/to-db", withDestinationPath: data + "/enclave.sqlite")
        // A site that allows the whole of `top` still never exposes the data folder or the keyring.
        let reader = ArtifactContentReader(policy: ArtifactReadPolicy(roots: [top], forbidden: [data, keyring], exceptions: [artifacts]))
        #expect(try await reader.read(uri: artifacts + "/run/page.html", storeRoot: artifacts) == Array("<p>ok</p>".utf8))
        #expect(try await reader.read(uri: "file://" + artifacts + "/run/page%2Ehtml", storeRoot: artifacts) == Array("<p>ok</p>".utf8))
        await #expect(throws: ControlPlaneError.self) { try await reader.read(uri: data + "/enclave.sqlite", storeRoot: data) }
        await #expect(throws: ControlPlaneError.self) { try await reader.read(uri: keyring, storeRoot: top) }
        await #expect(throws: ControlPlaneError.self) { try await reader.read(uri: artifacts + "/run/to-db", storeRoot: artifacts) }
        await #expect(throws: ControlPlaneError.self) { try await reader.read(uri: artifacts + "/run/to-db", storeRoot: data) }
        // Nothing is readable without roots.
        let closed = ArtifactContentReader(policy: ArtifactReadPolicy())
        await #expect(throws: ControlPlaneError.self) { try await closed.read(uri: artifacts + "/run/page.html", storeRoot: artifacts) }
        // A path with a NUL byte or a remote scheme never reaches the file system.
        await #expect(throws: ControlPlaneError.self) { try await reader.read(uri: artifacts + "/run/page.html\u{0}.png", storeRoot: artifacts) }
        await #expect(throws: ControlPlaneError.self) { try await reader.read(uri: "gs://bucket/page.html", storeRoot: artifacts) }
    }
}
