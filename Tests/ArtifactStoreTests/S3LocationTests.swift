@testable import ArtifactStore
import Foundation
import Testing

/// How `--artifact-store s3://…` and the environment become a location, and how they fail.
@Suite struct S3LocationTests {
    let keys = ["ENCLAVE_S3_ENDPOINT": "http://127.0.0.1:8333", "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "shh"]

    @Test func anAddressWithItsEnvironment() throws {
        let location = try S3Location.resolve(uri: "s3://ml-artifacts/enclave/prod/", environment: keys.merging(["AWS_REGION": "eu-west-1"]) { $1 })
        #expect(location.bucket == "ml-artifacts" && location.prefix == "enclave/prod" && location.region == "eu-west-1")
        #expect(location.scheme == "http" && location.host == "127.0.0.1" && location.port == 8333 && location.hostHeader == "127.0.0.1:8333")
        #expect(location.credentials == S3Credentials(accessKeyID: "AKID", secretAccessKey: "shh"))
        #expect(!location.description.contains("shh"))
        let bare = try S3Location.resolve(uri: "s3://bucket", environment: keys.merging(["ENCLAVE_S3_ENDPOINT": "https://s3.internal"]) { $1 })
        #expect(bare.prefix == "" && bare.region == "us-east-1" && bare.port == 443 && bare.hostHeader == "s3.internal")
    }

    @Test func unusableAddressesAndSettingsAreSaidPlainly() {
        for uri in ["file:///tmp", "s3://", "s3://Upper", "s3://a", "s3://-bucket", "s3://b_b/x", "s3://bucket/../etc"] {
            #expect(throws: (any Error).self, "\(uri)") { _ = try S3Location.resolve(uri: uri, environment: keys) }
        }
        var noEndpoint = keys
        noEndpoint["ENCLAVE_S3_ENDPOINT"] = nil
        #expect(throws: S3SettingError.self) { _ = try S3Location.resolve(uri: "s3://bucket", environment: noEndpoint) }
        for endpoint in ["ftp://host", "http://", "http://host/path", "http://host?x=1"] {
            #expect(throws: S3SettingError.self, "\(endpoint)") {
                _ = try S3Location.resolve(uri: "s3://bucket", environment: keys.merging(["ENCLAVE_S3_ENDPOINT": endpoint]) { $1 })
            }
        }
        do {
            _ = try S3Location.resolve(uri: "s3://bucket", environment: ["ENCLAVE_S3_ENDPOINT": "http://h", "AWS_ACCESS_KEY_ID": "AKID", "HOME": "/nonexistent"])
            Issue.record("a key id without its secret was taken")
        } catch {
            #expect("\(error)".contains("AWS_SECRET_ACCESS_KEY"))
        }
    }

    @Test func keysFromACredentialsFileProfile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("credentials-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try """
            # a comment
            [default]
            aws_access_key_id = DEFAULTKEY
            aws_secret_access_key = default-secret

            [enclave]
            aws_access_key_id=ENCLAVEKEY
            aws_secret_access_key=enclave/secret=
            aws_session_token = token
            """.write(toFile: file, atomically: true, encoding: .utf8)
        let env = ["ENCLAVE_S3_ENDPOINT": "http://h:1", "AWS_SHARED_CREDENTIALS_FILE": file]
        #expect(try S3Location.resolve(uri: "s3://bucket", environment: env).credentials
            == S3Credentials(accessKeyID: "DEFAULTKEY", secretAccessKey: "default-secret"))
        #expect(try S3Location.resolve(uri: "s3://bucket", environment: env.merging(["AWS_PROFILE": "enclave"]) { $1 }).credentials
            == S3Credentials(accessKeyID: "ENCLAVEKEY", secretAccessKey: "enclave/secret=", sessionToken: "token"))
        #expect(throws: S3SettingError.self) {
            _ = try S3Location.resolve(uri: "s3://bucket", environment: env.merging(["AWS_PROFILE": "missing"]) { $1 })
        }
    }

    @Test func xmlRepliesAreReadByElement() {
        let reply = S3XMLReply(Array("""
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult><IsTruncated>true</IsTruncated><NextContinuationToken>a&amp;b</NextContinuationToken>
            <Contents><Key>p/x &lt;1&gt;.txt</Key><Size>5</Size></Contents><Contents><Key>p/&#x1F600;</Key><Size>0</Size></Contents>
            <CommonPrefixes><Prefix>p/dir/</Prefix></CommonPrefixes><KeyCount/></ListBucketResult>
            """.utf8))
        #expect(reply.value("IsTruncated") == "true" && reply.value("NextContinuationToken") == "a&b")
        #expect(reply.blocks("Contents").compactMap { $0.value("Key") } == ["p/x <1>.txt", "p/\u{1F600}"])
        #expect(reply.blocks("CommonPrefixes").first?.value("Prefix") == "p/dir/")
        #expect(reply.value("KeyCount") == "" && reply.value("Missing") == nil)
        #expect(S3XMLReply(Array("<Error><Code>NoSuchKey</Code><Message>gone</Message></Error>".utf8)).value("Code") == "NoSuchKey")
    }
}
