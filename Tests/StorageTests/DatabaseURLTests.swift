import Foundation
import Storage
import Testing

/// `--database-url` and its password file: what is taken and how refusals read.
@Suite struct DatabaseURLTests {
    @Test func urlsWithoutPasswords() throws {
        let url = try DatabaseURL.parse("postgresql://enclave@db.internal:6432/mlops?sslmode=verify-full")
        #expect(url == DatabaseURL(host: "db.internal", port: 6432, user: "enclave", database: "mlops", tls: .verifyFull))
        let plain = try DatabaseURL.parse("postgres://app@127.0.0.1/app")
        #expect(plain.port == 5432 && plain.tls == .prefer)
        #expect("\(plain)" == "postgresql://app@127.0.0.1:5432/app?sslmode=prefer")
        let pinned = try DatabaseURL.parse("postgresql://app@db/app?sslmode=verify-ca&sslrootcert=/etc/enclave/db-ca.pem")
        #expect(pinned.tls == .verifyCA && pinned.rootCertificatePath == "/etc/enclave/db-ca.pem")
        #expect("\(pinned)" == "postgresql://app@db:5432/app?sslmode=verify-ca&sslrootcert=/etc/enclave/db-ca.pem")
    }

    @Test func refusalsNameTheProblemNeverThePassword() {
        let cases = [
            "postgresql://enclave:hunter2-secret@db/mlops": "--database-password-file",
            "mysql://u@h/d": "postgresql://",
            "postgresql://db/mlops": "no user",
            "postgresql://u@/mlops": "no host",
            "postgresql://u@db": "no database",
            "postgresql://u@db/a/b": "no database",
            "postgresql://u@db/d?sslmode=maybe": "sslmode",
            "postgresql://u@db/d?application_name=x": "application_name",
            "postgresql://u@db/d?sslmode=require&sslrootcert=/ca.pem": "only with sslmode=verify-ca or verify-full",
            "postgresql://u@db/d?sslmode=verify-full&sslrootcert=ca.pem": "absolute path",
        ]
        for (text, expected) in cases {
            do {
                _ = try DatabaseURL.parse(text)
                Issue.record("\(text) was taken")
            } catch {
                #expect("\(error)".contains(expected), "\(text): \(error)")
                #expect(!"\(error)".contains("hunter2-secret"))
            }
        }
    }

    @Test func thePasswordComesFromAPrivateFileOrACredential() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("db-password-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/password"
        FileManager.default.createFile(atPath: file, contents: Data("s3cret\n".utf8), attributes: [.posixPermissions: 0o600])
        #expect(try DatabaseURL.password(file: file, environment: [:]) == "s3cret")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        #expect(throws: DatabaseSettingError.self) { _ = try DatabaseURL.password(file: file, environment: [:]) }
        #expect(throws: DatabaseSettingError.self) { _ = try DatabaseURL.password(file: folder + "/missing", environment: [:]) }
        FileManager.default.createFile(atPath: folder + "/enclave-database", contents: Data("from-credential".utf8), attributes: [.posixPermissions: 0o400])
        #expect(try DatabaseURL.password(file: nil, environment: ["CREDENTIALS_DIRECTORY": folder]) == "from-credential")
        #expect(try DatabaseURL.password(file: nil, environment: [:]) == nil)
    }
}
