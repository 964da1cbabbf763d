import Foundation
import Testing
@testable import ArtifactStore

/// The signer against AWS's published Signature Version 4 vectors: the general test suite
/// (`aws-sig-v4-test-suite`, 2015-08-30, service `service`) and the S3 examples of the S3 API
/// reference (2013-05-24). Each vector's canonical request, string to sign or signature is
/// AWS's, not something this code computed.
@Suite struct SigV4SignerTests {
    static let suiteSigner = SigV4Signer(
        credentials: S3Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1", service: "service")
    static let suiteDate = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z
    static let s3Signer = SigV4Signer(
        credentials: S3Credentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1")
    static let s3Date = Date(timeIntervalSince1970: 1_369_353_600)  // 2013-05-24T00:00:00Z

    func authorization(_ signer: SigV4Signer, _ method: String, _ path: String, query: [(String, String)] = [],
                       headers: [(String, String)], payload: String = SigV4Signer.emptyPayloadHash, date: Date) -> String {
        let added = signer.sign(method: method, path: path, query: query, headers: headers, payloadHash: payload, date: date)
        return added.first { $0.0 == "authorization" }?.1 ?? ""
    }

    func suite(_ path: String, query: [(String, String)] = [], headers: [(String, String)] = [], method: String = "GET",
               payload: String = SigV4Signer.emptyPayloadHash) -> String {
        let signature = authorization(Self.suiteSigner, method, path, query: query,
                                      headers: [("Host", "example.amazonaws.com")] + headers, payload: payload, date: Self.suiteDate)
        return String(signature.split(separator: "=").last ?? "")
    }

    @Test func getVanillaCanonicalRequestAndStringToSign() {
        let canonical = SigV4Signer.canonicalRequest(
            method: "GET", path: "/", query: [],
            headers: SigV4Signer.canonicalHeaders([("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z")]),
            payloadHash: SigV4Signer.emptyPayloadHash)
        #expect(canonical == "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + SigV4Signer.emptyPayloadHash)
        #expect(SigV4Signer.sha256Hex(Data(canonical.utf8)) == "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63")
        #expect(SigV4Signer.stringToSign(timestamp: "20150830T123600Z", scope: "20150830/us-east-1/service/aws4_request", canonicalRequest: canonical)
            == "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63")
    }

    @Test func getVanillaAuthorizationHeader() {
        let header = authorization(Self.suiteSigner, "GET", "/", headers: [("Host", "example.amazonaws.com")], date: Self.suiteDate)
        #expect(header == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, "
            + "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    @Test func suiteVectorsSignToTheirPublishedSignatures() {
        #expect(suite("/", query: [("Param2", "value2"), ("Param1", "value1")]) == "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")
        #expect(suite("/", query: [("Param1", "value2"), ("Param1", "value1")]) == "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694")
        #expect(suite(SigV4Signer.encodePath("/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
            == "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f")
        #expect(suite("/", query: [("\u{1234}", "bar")]) == "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04")
        #expect(suite("/", headers: [("My-Header1", " value1"), ("My-Header2", "\"a   b   c\"")])
            == "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736")
        #expect(suite("/", headers: [("My-Header1", "value2"), ("My-Header1", "value2"), ("My-Header1", "value1")])
            == "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea")
        #expect(suite("/", headers: [("Content-Type", "application/x-www-form-urlencoded")], method: "POST",
                      payload: SigV4Signer.sha256Hex(Data("Param1=value1".utf8)))
            == "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a")
    }

    @Test func aSessionTokenIsSignedAsSecurityToken() {
        let signer = SigV4Signer(credentials: S3Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                                            sessionToken: "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"),
                                 region: "us-east-1", service: "service")
        let header = authorization(signer, "GET", "/", headers: [("Host", "example.amazonaws.com")], date: Self.suiteDate)
        #expect(header.hasSuffix("SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8"))
    }

    @Test func s3GetObjectWithRange() {
        let headers = [("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9"), ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash)]
        let canonical = SigV4Signer.canonicalRequest(method: "GET", path: "/test.txt", query: [],
                                                     headers: SigV4Signer.canonicalHeaders(headers + [("x-amz-date", "20130524T000000Z")]),
                                                     payloadHash: SigV4Signer.emptyPayloadHash)
        #expect(SigV4Signer.sha256Hex(Data(canonical.utf8)) == "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972")
        #expect(authorization(Self.s3Signer, "GET", "/test.txt", headers: headers, date: Self.s3Date)
            == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    @Test func s3PutObjectEncodesTheKeyOnce() {
        let payload = SigV4Signer.sha256Hex(Data("Welcome to Amazon S3.".utf8))
        #expect(payload == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let path = SigV4Signer.encodePath("/test$file.text")
        #expect(path == "/test%24file.text")
        let header = authorization(Self.s3Signer, "PUT", path, headers: [
            ("Host", "examplebucket.s3.amazonaws.com"), ("Date", "Fri, 24 May 2013 00:00:00 GMT"),
            ("x-amz-storage-class", "REDUCED_REDUNDANCY"), ("x-amz-content-sha256", payload),
        ], payload: payload, date: Self.s3Date)
        #expect(header.hasSuffix("SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, "
            + "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"))
    }

    @Test func s3ListObjectsAndAValuelessQueryParameter() {
        let headers = [("Host", "examplebucket.s3.amazonaws.com"), ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash)]
        #expect(authorization(Self.s3Signer, "GET", "/", query: [("max-keys", "2"), ("prefix", "J")], headers: headers, date: Self.s3Date)
            .hasSuffix("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"))
        #expect(authorization(Self.s3Signer, "GET", "/", query: [("lifecycle", "")], headers: headers, date: Self.s3Date)
            .hasSuffix("Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"))
    }

    @Test func keysAreEncodedByteByByte() {
        #expect(SigV4Signer.encodePath("/runs/a b/ü+%.txt") == "/runs/a%20b/%C3%BC%2B%25.txt")
        #expect(SigV4Signer.encode("a/b") == "a%2Fb")
        #expect(SigV4Signer.canonicalQuery([("prefix", "a/b c"), ("delimiter", "/")]) == "delimiter=%2F&prefix=a%2Fb%20c")
    }

    @Test func credentialsNeverDescribeTheirSecret() {
        let credentials = S3Credentials(accessKeyID: "AKID", secretAccessKey: "very-secret", sessionToken: "token-secret")
        #expect(!"\(credentials)".contains("very-secret"))
        #expect(!"\(credentials)".contains("token-secret"))
    }
}
