@testable import ArtifactStore
import Testing

/// Checklist B's path cases: every one is refused before any file is touched.
@Suite struct ArtifactPathTests {
    @Test func plainPathsAreAccepted() throws {
        for good in ["model.pkl", "1/abc/artifacts/model/MLmodel", "weird name +&.txt", "a/b/", "données/été.csv", "x%2", "100%.txt"] {
            let path = try ArtifactPath(good)
            #expect(!path.components.isEmpty, "\(good)")
        }
        #expect(try ArtifactPath("a/b/").description == "a/b")
    }

    @Test func everyTrickIsRefused() {
        let bad = ["", "/etc/passwd", "../x", "a/../../x", "a/./b", "..", ".", "a//b", "a\\..\\b", "..\\x", "C:/x", "c:x", "C:\\x",
                   "\\\\?\\C:\\x", "//host/share", "a/%2e%2e/b", "%2e%2e%2fetc", "a/%252e%252e/b", "a/%25252e", "x%00y", "a\u{0}b",
                   "a\u{1}b", "a\nb", "a\u{7f}", "a\u{85}b", "a?x=../b", "a#../b", "a;/../b", "a\u{2215}..\u{2215}b", "\u{FF0E}\u{FF0E}\u{FF0F}x",
                   "a/b.", "a/b ", "a/" + String(repeating: "x", count: 256), String(repeating: "a/", count: 33) + "x",
                   String(repeating: "x", count: 1025)]
        for raw in bad {
            #expect(throws: ArtifactStoreError.self, "\(raw.debugDescription)") { try ArtifactPath(raw) }
        }
    }

    @Test func containmentIsByComponent() throws {
        #expect(try ArtifactPath("1/run/artifacts/x").isWithin(ArtifactPath("1/run")))
        #expect(try !ArtifactPath("1/run2/x").isWithin(ArtifactPath("1/run")))
    }
}
