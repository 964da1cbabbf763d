import Crypto
import Foundation

/// The keys an S3-compatible store knows the caller by. Never logged or shown: the
/// description names the key id only.
public struct S3Credentials: Sendable, Equatable, CustomStringConvertible {
    public let accessKeyID: String
    public let secretAccessKey: String
    /// A temporary credential's session token (`x-amz-security-token`), when there is one.
    public let sessionToken: String?

    /// Credentials from their three parts.
    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    public var description: String { "S3 credentials for key id \(accessKeyID)" }
}

/// AWS Signature Version 4 as S3 uses it: the request's canonical form, the string to sign
/// and the `Authorization` header, each step apart so the published test vectors can check
/// them one by one (a store answers every mistake with the same `SignatureDoesNotMatch`).
public struct SigV4Signer: Sendable {
    public let credentials: S3Credentials
    public let region: String
    public let service: String

    /// A signer for `service` (S3 is `s3`) in `region`.
    public init(credentials: S3Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The SHA-256 of an empty body, which every bodiless request signs.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The headers to add to a request (`x-amz-date`, the session token and `Authorization`),
    /// signing `headers` (which must hold `host`) and the body's SHA-256 `payloadHash`.
    /// `path` is the request's path as sent, each segment already encoded by `encodePath`.
    public func sign(method: String, path: String, query: [(String, String)], headers: [(String, String)],
                     payloadHash: String, date: Date) -> [(String, String)] {
        let stamp = Self.timestamp(date)
        var added = [("x-amz-date", stamp)]
        if let token = credentials.sessionToken { added.append(("x-amz-security-token", token)) }
        let signedHeaders = Self.canonicalHeaders(headers + added)
        let request = Self.canonicalRequest(method: method, path: path, query: query, headers: signedHeaders, payloadHash: payloadHash)
        let scope = "\(stamp.prefix(8))/\(region)/\(service)/aws4_request"
        let toSign = Self.stringToSign(timestamp: stamp, scope: scope, canonicalRequest: request)
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(toSign.utf8), using: signingKey(day: String(stamp.prefix(8)))))
        let names = signedHeaders.map(\.0).joined(separator: ";")
        added.append(("authorization", "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(names), Signature=\(signature)"))
        return added
    }

    /// The key for one day, region and service, derived from the secret by the HMAC chain.
    func signingKey(day: String) -> SymmetricKey {
        var key = SymmetricKey(data: Data(("AWS4" + credentials.secretAccessKey).utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    /// The canonical request: method, path, sorted encoded query, headers, their names and
    /// the payload hash, one per line.
    public static func canonicalRequest(method: String, path: String, query: [(String, String)],
                                        headers: [(String, String)], payloadHash: String) -> String {
        [method, path.isEmpty ? "/" : path, canonicalQuery(query),
         headers.map { "\($0.0):\($0.1)\n" }.joined(), headers.map(\.0).joined(separator: ";"), payloadHash]
            .joined(separator: "\n")
    }

    /// The string to sign: algorithm, timestamp, scope and the canonical request's SHA-256.
    public static func stringToSign(timestamp: String, scope: String, canonicalRequest: String) -> String {
        "AWS4-HMAC-SHA256\n\(timestamp)\n\(scope)\n\(sha256Hex(Data(canonicalRequest.utf8)))"
    }

    /// Names lower-cased and sorted; values trimmed with inner runs of spaces made one; a
    /// name given twice keeps its values in order, joined by commas.
    public static func canonicalHeaders(_ headers: [(String, String)]) -> [(String, String)] {
        var values: [String: [String]] = [:]
        for (name, value) in headers {
            let squeezed = value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            values[name.lowercased(), default: []].append(squeezed.trimmingCharacters(in: .whitespaces))
        }
        return values.keys.sorted().map { ($0, values[$0, default: []].joined(separator: ",")) }
    }

    /// Each name and value encoded, pairs sorted by name then value, joined with `&`.
    public static func canonicalQuery(_ query: [(String, String)]) -> String {
        let encoded: [(name: String, value: String)] = query.map { (encode($0.0), encode($0.1)) }
        let sorted = encoded.sorted { (a: (name: String, value: String), b: (name: String, value: String)) -> Bool in
            a.name == b.name ? a.value < b.value : a.name < b.name
        }
        return sorted.map { $0.name + "=" + $0.value }.joined(separator: "&")
    }

    /// A key's path as S3 signs and receives it: every byte but the unreserved ones and `/`
    /// percent-encoded once, upper-case hex.
    public static func encodePath(_ path: String) -> String { encode(path, keepingSlash: true) }

    /// RFC 3986 encoding of everything but `A–Z a–z 0–9 - . _ ~` (and `/` when asked).
    public static func encode(_ text: String, keepingSlash: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) || (keepingSlash && byte == UInt8(ascii: "/")) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out.append("%")
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0xF)])
            }
        }
        return out
    }

    static let hexDigits: [Character] = Array("0123456789ABCDEF")

    /// `A–Z a–z 0–9 - . _ ~`, the bytes SigV4 never encodes.
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x41...0x5A, 0x61...0x7A, 0x30...0x39: true
        case 0x2D, 0x2E, 0x5F, 0x7E: true
        default: false
        }
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC.
    public static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ n: Int?) -> String { String(n ?? 0).leftPadded(2) }
        return String(c.year ?? 1970).leftPadded(4) + two(c.month) + two(c.day) + "T" + two(c.hour) + two(c.minute) + two(c.second) + "Z"
    }

    /// Lower-case hex SHA-256 of `data`.
    public static func sha256Hex(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        bytes.map { String($0, radix: 16).leftPadded(2) }.joined()
    }
}
