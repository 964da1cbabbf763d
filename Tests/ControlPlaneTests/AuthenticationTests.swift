import HTTPTypes
import Testing

@Suite struct AuthenticationTests {
    @Test func freshServerIsInactiveAndActivatesOnce() async throws {
        try await withEnclave { api in
            #expect(try await api.call(.get, "/api/v1/info").json["active"] == false)
            let admin = try await api.activateAdmin()
            #expect(try await api.call(.get, "/api/v1/info").json["active"] == true)
            let again = try await api.call(.put, "/api/v1/activate", json: #"{"admin_username":"evil","admin_password":"x1234567"}"#)
            #expect(again.status == .forbidden)
            #expect(again.exception == "IllegalOperationError")
            let me = try await admin.call(.get, "/api/v1/current-user")
            #expect(me.json["name"] == "admin")
            #expect(me.json["body"]?["is_admin"] == true)
        }
    }

    @Test func missingTokenGets401WithBearerChallenge() async throws {
        try await withEnclave { api in
            let response = try await api.call(.get, "/api/v1/current-user")
            #expect(response.status == .unauthorized)
            #expect(response.headers[.wwwAuthenticate] == "Bearer")
            #expect(response.json == ["detail": "Not authenticated"])
            var forged = api
            forged.token = "enc_not-a-real-token"
            let bad = try await forged.call(.get, "/api/v1/current-user")
            #expect(bad.status == .unauthorized)
            #expect(bad.headers[.wwwAuthenticate] == "Bearer")
            #expect(bad.exception == "CredentialsNotValid")
        }
    }

    @Test func wrongPasswordIsRefusedWithoutSayingWhy() async throws {
        try await withEnclave { api in
            _ = try await api.activateAdmin()
            for form in ["grant_type=password&username=admin&password=wrong", "grant_type=password&username=nobody&password=wrong"] {
                let response = try await api.call(.post, "/api/v1/login", form: form)
                #expect(response.status == .unauthorized)
                #expect(response.json["detail"]?.arrayValue?.last == "Authentication error: invalid username or password")
            }
            let unsupported = try await api.call(.post, "/api/v1/login", form: "grant_type=client_credentials")
            #expect(unsupported.status == .badRequest)
        }
    }

    @Test func logoutRevokesTheToken() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            #expect(try await admin.call(.get, "/api/v1/logout").status == .ok)
            #expect(try await admin.call(.get, "/api/v1/current-user").status == .unauthorized)
        }
    }

    @Test func apiKeysLogInAndDieWithTheirDeletion() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            let account = try await admin.call(.post, "/api/v1/service_accounts", json: #"{"name":"ci-bot","description":"ci","active":true}"#)
            let accountID = try #require(account.json["id"]?.stringValue)
            let created = try await admin.call(.post, "/api/v1/service_accounts/\(accountID)/api_keys", json: #"{"name":"default","description":""}"#)
            let key = try #require(created.json["body"]?["key"]?.stringValue)
            #expect(key.hasPrefix("ZENKEY_"))
            let listed = try await admin.call(.get, "/api/v1/service_accounts/\(accountID)/api_keys")
            #expect(listed.json["items"]?.arrayValue?.first?["body"]?["key"] == nil)

            let login = try await api.call(.post, "/api/v1/login", form: "grant_type=zenml-api-key&password=\(key.replacingOccurrences(of: "=", with: "%3D"))")
            var bot = api
            bot.token = try #require(login.json["access_token"]?.stringValue)
            let me = try await bot.call(.get, "/api/v1/current-user")
            #expect(me.json["body"]?["is_service_account"] == true)

            let keyID = try #require(created.json["id"]?.stringValue)
            #expect(try await admin.call(.delete, "/api/v1/service_accounts/\(accountID)/api_keys/\(keyID)").status == .ok)
            #expect(try await bot.call(.get, "/api/v1/current-user").status == .unauthorized)
            let again = try await api.call(.post, "/api/v1/login", form: "grant_type=zenml-api-key&password=\(key.replacingOccurrences(of: "=", with: "%3D"))")
            #expect(again.status == .unauthorized)
        }
    }

    @Test func rotatedKeyReplacesTheOldOne() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            let accountID = try #require(try await admin.call(.post, "/api/v1/service_accounts", json: #"{"name":"bot","active":true}"#).json["id"]?.stringValue)
            let created = try await admin.call(.post, "/api/v1/service_accounts/\(accountID)/api_keys", json: #"{"name":"k"}"#)
            let old = try #require(created.json["body"]?["key"]?.stringValue)
            let rotated = try await admin.call(.put, "/api/v1/service_accounts/\(accountID)/api_keys/k/rotate", json: "{}")
            let new = try #require(rotated.json["body"]?["key"]?.stringValue)
            #expect(old != new)
            let encode = { (k: String) in k.replacingOccurrences(of: "=", with: "%3D") }
            #expect(try await api.call(.post, "/api/v1/login", form: "grant_type=zenml-api-key&password=\(encode(old))").status == .unauthorized)
            #expect(try await api.call(.post, "/api/v1/login", form: "grant_type=zenml-api-key&password=\(encode(new))").status == .ok)
        }
    }
}
