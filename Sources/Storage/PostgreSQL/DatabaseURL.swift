import Foundation

/// Where PostgreSQL is and who Enclave is there: `postgresql://USER@HOST[:PORT]/DATABASE`
/// with an optional `?sslmode=` and `&sslrootcert=` (libpq's names). The password is never part of it: it comes from a file or
/// a credential, so it shows in no process listing, config dump or log line.
public struct DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    /// How the connection is protected, in libpq's words.
    public enum TLSMode: String, Sendable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it (libpq's default).
        case prefer
        /// TLS or no connection, the certificate not checked.
        case require
        /// TLS with the server's certificate checked against the trusted authorities, not its name.
        case verifyCA = "verify-ca"
        /// TLS with the server's certificate checked against the trusted authorities and its name.
        case verifyFull = "verify-full"

        /// Whether the server's certificate is checked at all.
        public var verifiesCertificate: Bool { self == .verifyCA || self == .verifyFull }
    }

    public let host: String
    public let port: Int
    public let user: String
    public let database: String
    public let tls: TLSMode
    /// The PEM file of the authorities a `verify-ca`/`verify-full` connection trusts (a site's
    /// own CA, as air-gapped sites have); nil: the system's trust store.
    public let rootCertificatePath: String?

    /// A URL from its parts.
    public init(host: String, port: Int = 5432, user: String, database: String, tls: TLSMode = .prefer, rootCertificatePath: String? = nil) {
        self.host = host
        self.port = port
        self.user = user
        self.database = database
        self.tls = tls
        self.rootCertificatePath = rootCertificatePath
    }

    public var description: String {
        "postgresql://\(user)@\(host):\(port)/\(database)?sslmode=\(tls.rawValue)" + (rootCertificatePath.map { "&sslrootcert=\($0)" } ?? "")
    }

    /// Reads a URL, refusing one that carries a password or anything Enclave would ignore.
    public static func parse(_ text: String) throws -> DatabaseURL {
        guard text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") else {
            throw DatabaseSettingError("the database URL must start with postgresql:// (got '\(Self.redacted(text))')")
        }
        guard let url = URLComponents(string: text) else { throw DatabaseSettingError("'\(Self.redacted(text))' is not a URL") }
        guard url.password == nil else {
            throw DatabaseSettingError("the database URL carries a password: put it in a file and name it with --database-password-file (ENCLAVE_DATABASE_PASSWORD_FILE)")
        }
        guard let host = url.host, !host.isEmpty else { throw DatabaseSettingError("the database URL names no host") }
        guard let user = url.user, !user.isEmpty else { throw DatabaseSettingError("the database URL names no user (postgresql://USER@HOST/DB)") }
        let database = String(url.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw DatabaseSettingError("the database URL names no database (postgresql://USER@HOST/DB)") }
        var tls = TLSMode.prefer
        var rootCertificate: String?
        for item in url.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let value = item.value, let mode = TLSMode(rawValue: value) else {
                    throw DatabaseSettingError("sslmode must be one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                tls = mode
            case "sslrootcert":
                guard let value = item.value, value.hasPrefix("/") else {
                    throw DatabaseSettingError("sslrootcert must be the absolute path of a PEM file of trusted authorities")
                }
                rootCertificate = value
            default:
                throw DatabaseSettingError("the database URL's parameter '\(item.name)' is not one Enclave reads (only sslmode and sslrootcert)")
            }
        }
        if rootCertificate != nil, !tls.verifiesCertificate {
            throw DatabaseSettingError("sslrootcert is used only with sslmode=verify-ca or verify-full (sslmode is \(tls.rawValue))")
        }
        return DatabaseURL(host: host, port: url.port ?? 5432, user: user, database: database, tls: tls, rootCertificatePath: rootCertificate)
    }

    /// The password: from `file` when given, else the systemd credential `enclave-database`
    /// when the unit passes one, else none (trust or certificate authentication). Trailing
    /// line breaks are dropped; an unreadable or group/world-readable file is refused.
    public static func password(file: String?, environment: [String: String]) throws -> String? {
        var path = file
        if path == nil, let folder = environment["CREDENTIALS_DIRECTORY"], FileManager.default.fileExists(atPath: folder + "/enclave-database") {
            path = folder + "/enclave-database"
        }
        guard let path else { return nil }
        var info = stat()
        guard stat(path, &info) == 0, let data = FileManager.default.contents(atPath: path) else {
            throw DatabaseSettingError("cannot read the database password file \(path)")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw DatabaseSettingError("the database password file \(path) may be read by others: chmod 600 it")
        }
        var text = String(decoding: data, as: UTF8.self)
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        guard !text.isEmpty else { throw DatabaseSettingError("the database password file \(path) is empty") }
        return text
    }

    /// The URL with anything after `://` up to `@` hidden, for messages about a bad URL.
    static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") else { return text }
        return String(text[..<scheme.upperBound]) + "…" + String(text[at...])
    }
}

/// A database setting that cannot be used, said for the operator (never with the password).
public struct DatabaseSettingError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
