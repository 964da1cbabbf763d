@testable import Identity
import Testing

@Suite struct APIKeyCredentialTests {
    @Test func roundTripsZenMLsFormat() throws {
        let credential = APIKeyCredential(keyID: "c58a6ebe-7c3b-438e-983d-c7d645e48878", secret: String(repeating: "ab", count: 32))
        let parsed = try #require(APIKeyCredential(encoded: credential.encoded))
        #expect(parsed == credential)
    }

    @Test func readsAKeyMadeByZenML() throws {
        let recorded = "ZENKEY_eyJpZCI6ImM1OGE2ZWJlLTdjM2ItNDM4ZS05ODNkLWM3ZDY0NWU0ODg3OCIsImtleSI6IjNiNjZiZTRkZDVjYjY3ODdiMGVlMjVjNDkxN2RmMzdlNmE1ODE4NDJiOWIyYzcyN2IwMmYyZjEwOTgxYWUwMTYifQ=="
        let parsed = try #require(APIKeyCredential(encoded: recorded))
        #expect(parsed.keyID == "c58a6ebe-7c3b-438e-983d-c7d645e48878")
    }

    @Test(arguments: ["", "ZENKEY_", "ZENKEY_!!!", "KEY_eyJ9", "ZENKEY_" + "e30=", "ZENKEY_eyJpZCI6Im5vdC1hLXV1aWQiLCJrZXkiOiJ4In0="])
    func refusesAnythingElse(_ text: String) {
        #expect(APIKeyCredential(encoded: text) == nil)
    }

    @Test func digestsCompareExactly() {
        let digest = CredentialDigest.digest("secret")
        #expect(CredentialDigest.matches(digest, CredentialDigest.digest("secret")))
        #expect(!CredentialDigest.matches(digest, CredentialDigest.digest("secreT")))
        #expect(CredentialDigest.newBearerToken() != CredentialDigest.newBearerToken())
    }

    @Test func passwordRulesMatchBcryptsLimits() {
        #expect(PasswordHasher.problem(with: "") != nil)
        #expect(PasswordHasher.problem(with: String(repeating: "x", count: 73)) != nil)
        #expect(PasswordHasher.problem(with: "correct horse battery staple") == nil)
    }
}
