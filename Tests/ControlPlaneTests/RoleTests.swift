import HTTPTypes
import Testing

@Suite struct RoleTests {
    @Test func viewersReadButDoNotWrite() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            let created = try await admin.call(.post, "/api/v1/users", json: #"{"name":"val","password":"Viewer-Pass1","role":"viewer","is_admin":false}"#)
            #expect(created.status == .ok)
            let viewer = try await api.login("val", "Viewer-Pass1")
            #expect(try await viewer.call(.get, "/api/v1/pipelines").status == .ok)
            let project = try await admin.defaultProjectID()
            let write = try await viewer.call(.post, "/api/v1/pipelines", json: #"{"project":"\#(project)","name":"p"}"#)
            #expect(write.status == .forbidden)
            #expect(write.exception == "IllegalOperationError")
            #expect(try await viewer.call(.post, "/api/v1/users", json: #"{"name":"x","password":"abcdefgh","is_admin":false}"#).status == .forbidden)
        }
    }

    /// A token is remembered for two seconds after it is resolved; a change to its account
    /// in between still counts at once.
    @Test func aResolvedTokenFollowsItsAccountAtOnce() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            let created = try await admin.call(.post, "/api/v1/users", json: #"{"name":"eve","password":"Editor-Pass1","role":"editor","is_admin":false}"#)
            let eveID = try #require(created.json["id"]?.stringValue)
            let eve = try await api.login("eve", "Editor-Pass1")
            let project = try await admin.defaultProjectID()
            #expect(try await eve.call(.post, "/api/v1/pipelines", json: #"{"project":"\#(project)","name":"a"}"#).status == .ok)
            #expect(try await admin.call(.put, "/api/v1/users/\(eveID)", json: #"{"role":"viewer"}"#).status == .ok)
            #expect(try await eve.call(.post, "/api/v1/pipelines", json: #"{"project":"\#(project)","name":"b"}"#).status == .forbidden)
            #expect(try await eve.call(.get, "/api/v1/current-user").status == .ok)
            #expect(try await admin.call(.put, "/api/v1/users/\(eveID)", json: #"{"active":false}"#).status == .ok)
            #expect(try await eve.call(.get, "/api/v1/current-user").status == .unauthorized)
        }
    }

    @Test func onlyAdminsManageUsers() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            let editorID = try #require(try await admin.call(.post, "/api/v1/users", json: #"{"name":"ed","password":"Editor-Pass1","is_admin":false}"#).json["id"]?.stringValue)
            let editor = try await api.login("ed", "Editor-Pass1")
            #expect(try await editor.call(.post, "/api/v1/users", json: #"{"name":"x","password":"abcdefgh","is_admin":false}"#).status == .forbidden)
            let adminID = try #require(try await admin.call(.get, "/api/v1/current-user").json["id"]?.stringValue)
            #expect(try await editor.call(.put, "/api/v1/users/\(adminID)", json: #"{"full_name":"owned"}"#).status == .forbidden)
            #expect(try await editor.call(.put, "/api/v1/users/\(editorID)", json: #"{"is_admin":true}"#).status == .forbidden)
            #expect(try await editor.call(.delete, "/api/v1/users/\(adminID)").status == .forbidden)
            #expect(try await editor.call(.post, "/api/v1/service_accounts", json: #"{"name":"sa","active":true}"#).status == .forbidden)
            #expect(try await editor.call(.put, "/api/v1/users/\(editorID)", json: #"{"full_name":"Ed"}"#).json["body"]?["full_name"] == "Ed")
        }
    }

    @Test func passwordChangeNeedsTheOldPasswordAndRevokesTokens() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            let id = try #require(try await admin.call(.post, "/api/v1/users", json: #"{"name":"vic","password":"Old-Pass-1","role":"viewer","is_admin":false}"#).json["id"]?.stringValue)
            let viewer = try await api.login("vic", "Old-Pass-1")
            #expect(try await viewer.call(.put, "/api/v1/users/\(id)", json: #"{"password":"New-Pass-1"}"#).status == .forbidden)
            #expect(try await viewer.call(.put, "/api/v1/users/\(id)", json: #"{"password":"New-Pass-1","old_password":"wrong"}"#).status == .forbidden)
            #expect(try await viewer.call(.put, "/api/v1/users/\(id)", json: #"{"password":"New-Pass-1","old_password":"Old-Pass-1"}"#).status == .ok)
            #expect(try await viewer.call(.get, "/api/v1/current-user").status == .unauthorized)
            _ = try await api.login("vic", "New-Pass-1")
        }
    }

    /// ZenML's rule: nobody demotes, deactivates or deletes the account they are signed in
    /// with (a fuzzer locked itself out that way), while another admin still may.
    @Test func nobodyLocksThemselvesOut() async throws {
        try await withEnclave { api in
            let admin = try await api.activateAdmin()
            let adminID = try #require(try await admin.call(.get, "/api/v1/current-user").json["id"]?.stringValue)
            let demote = try await admin.call(.put, "/api/v1/users/\(adminID)", json: #"{"is_admin":false}"#)
            #expect(demote.status == .forbidden && demote.json["detail"]?.arrayValue?.first == "IllegalOperationError")
            #expect(try await admin.call(.put, "/api/v1/users/\(adminID)", json: #"{"active":false}"#).status == .forbidden)
            #expect(try await admin.call(.delete, "/api/v1/users/\(adminID)").status == .forbidden)
            #expect(try await admin.call(.put, "/api/v1/users/\(adminID)", json: #"{"full_name":"Still Me","active":true}"#).status == .ok)

            let secondID = try #require(try await admin.call(.post, "/api/v1/users", json: #"{"name":"other","password":"Other-Pass1","is_admin":true}"#).json["id"]?.stringValue)
            let other = try await api.login("other", "Other-Pass1")
            #expect(try await other.call(.put, "/api/v1/users/\(adminID)", json: #"{"is_admin":false}"#).status == .ok)
            #expect(try await admin.call(.delete, "/api/v1/users/\(secondID)").status == .forbidden)
            #expect(try await other.call(.get, "/api/v1/current-user").status == .ok)
        }
    }
}
