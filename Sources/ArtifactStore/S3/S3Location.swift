import Foundation

/// Where an S3-compatible store keeps Enclave's artifacts and how to sign for it: the
/// `s3://BUCKET/PREFIX` the operator names, with endpoint, region and keys from the
/// environment or a credentials file — never from the command line, so no key shows in a
/// process listing.
public struct S3Location: Sendable, Equatable, CustomStringConvertible {
    /// `http` or `https`.
    public let scheme: String
    public let host: String
    public let port: Int
    public let bucket: String
    /// Key prefix every artifact lives under, without slashes at either end ("" for none).
    public let prefix: String
    public let region: String
    public let credentials: S3Credentials

    /// A location from its parts (tests; `resolve` is what the server uses).
    public init(scheme: String, host: String, port: Int, bucket: String, prefix: String, region: String, credentials: S3Credentials) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.bucket = bucket
        self.prefix = prefix
        self.region = region
        self.credentials = credentials
    }

    public var description: String { "s3://\(bucket)/\(prefix) at \(scheme)://\(host):\(port)" }

    /// The `Host` header requests carry (the port only when not the scheme's own).
    var hostHeader: String { (scheme == "https" && port == 443) || (scheme == "http" && port == 80) ? host : "\(host):\(port)" }

    /// Reads `uri` (`s3://BUCKET` or `s3://BUCKET/PREFIX`) with the endpoint from
    /// `ENCLAVE_S3_ENDPOINT`, `AWS_ENDPOINT_URL_S3` or `AWS_ENDPOINT_URL`, the region from
    /// `AWS_REGION` or `AWS_DEFAULT_REGION` (else `us-east-1`), and keys from
    /// `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN` or a credentials file.
    public static func resolve(uri: String, environment: [String: String]) throws -> S3Location {
        guard uri.hasPrefix("s3://") else { throw S3SettingError("the artifact store must be an s3://BUCKET/PREFIX address, not '\(uri)'") }
        let rest = uri.dropFirst(5)
        let bucket = String(rest.prefix { $0 != "/" })
        guard isBucketName(bucket) else {
            throw S3SettingError("'\(bucket)' is not a bucket name (3 to 63 lower-case letters, digits, dots and hyphens)")
        }
        let rawPrefix = rest.dropFirst(bucket.count).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let prefix = rawPrefix.isEmpty ? "" : try ArtifactPath(rawPrefix).description
        let endpointText = ["ENCLAVE_S3_ENDPOINT", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        guard let endpointText else {
            throw S3SettingError("no S3 endpoint: set ENCLAVE_S3_ENDPOINT (or AWS_ENDPOINT_URL) to the store's http(s)://HOST:PORT")
        }
        guard let endpoint = URLComponents(string: endpointText), let scheme = endpoint.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = endpoint.host, !host.isEmpty, endpoint.path.isEmpty || endpoint.path == "/", endpoint.query == nil else {
            throw S3SettingError("the S3 endpoint '\(endpointText)' is not an http(s)://HOST[:PORT] address")
        }
        let region = ["AWS_REGION", "AWS_DEFAULT_REGION"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty } ?? "us-east-1"
        return S3Location(scheme: scheme, host: host, port: endpoint.port ?? (scheme == "https" ? 443 : 80), bucket: bucket,
                          prefix: prefix, region: region, credentials: try credentials(environment))
    }

    /// S3's bucket naming rule (path-style addressing makes dots harmless).
    static func isBucketName(_ name: String) -> Bool {
        (3...63).contains(name.utf8.count) && name.utf8.allSatisfy {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-")
        } && name.first != "-" && name.last != "-" && name.first != "." && name.last != "."
    }

    /// Keys from the environment, else from the credentials file: `AWS_SHARED_CREDENTIALS_FILE`,
    /// the systemd credential `enclave-s3`, or `~/.aws/credentials`; profile `AWS_PROFILE` or `default`.
    static func credentials(_ environment: [String: String]) throws -> S3Credentials {
        if let id = environment["AWS_ACCESS_KEY_ID"], !id.isEmpty {
            guard let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty else {
                throw S3SettingError("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
            }
            let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            return S3Credentials(accessKeyID: id, secretAccessKey: secret, sessionToken: token)
        }
        var files: [String] = []
        if let file = environment["AWS_SHARED_CREDENTIALS_FILE"], !file.isEmpty { files.append(file) }
        if let folder = environment["CREDENTIALS_DIRECTORY"], !folder.isEmpty { files.append(folder + "/enclave-s3") }
        if let home = environment["HOME"], !home.isEmpty { files.append(home + "/.aws/credentials") }
        let profile = environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            guard let found = try credentialsFile(String(decoding: data, as: UTF8.self), profile: profile, name: file) else {
                throw S3SettingError("the credentials file \(file) has no [\(profile)] profile with aws_access_key_id and aws_secret_access_key")
            }
            return found
        }
        throw S3SettingError("no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_SHARED_CREDENTIALS_FILE to a credentials file")
    }

    /// The `[profile]` section of an AWS-style credentials file.
    static func credentialsFile(_ text: String, profile: String, name: String) throws -> S3Credentials? {
        var section = ""
        var values: [String: String] = [:]
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                section = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                continue
            }
            guard section == profile, let equals = line.firstIndex(of: "=") else { continue }
            values[line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()] = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        guard let id = values["aws_access_key_id"], !id.isEmpty, let secret = values["aws_secret_access_key"], !secret.isEmpty else { return nil }
        return S3Credentials(accessKeyID: id, secretAccessKey: secret, sessionToken: values["aws_session_token"].flatMap { $0.isEmpty ? nil : $0 })
    }
}

/// An S3 setting that cannot be used, said for the operator (never with a key in it).
public struct S3SettingError: Error, CustomStringConvertible, Equatable {
    public let description: String
    init(_ description: String) { self.description = description }
}
