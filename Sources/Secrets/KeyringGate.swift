import Foundation
import GRDB

/// Finds the server's keyring and proves, before anything is written, that it opens the
/// values already sealed in the database: a missing or wrong keyring stops the start with
/// one line, and the database is left exactly as it was.
public enum KeyringGate {
    /// The file name of the keyring in the data folder and in a systemd credentials folder.
    public static let fileName = "keyring.json"
    /// The systemd credential name (`LoadCredential=enclave-keyring:…`).
    public static let credentialName = "enclave-keyring"

    /// Where the keyring is: the configured path, else a systemd credential when the unit
    /// passes one, else the data folder. The flag says it came from a credential (read-only).
    public static func location(configured: String?, environment: [String: String], dataDirectory: String) -> (path: String, isCredential: Bool) {
        if let configured, !configured.isEmpty { return (configured, false) }
        if let folder = environment["CREDENTIALS_DIRECTORY"], !folder.isEmpty {
            let path = (folder as NSString).appendingPathComponent(credentialName)
            if FileManager.default.fileExists(atPath: path) { return (path, true) }
        }
        return ((dataDirectory as NSString).appendingPathComponent(fileName), false)
    }

    /// The keyring at `path`, checked against the SQLite database at `databasePath`. When the
    /// file is missing and nothing is sealed yet, a new ring is made there (unless `mayCreate` is false).
    public static func open(path: String, databasePath: String, mayCreate: Bool) throws -> KeyringFile {
        try open(path: path, samples: try sealedSamples(databasePath), mayCreate: mayCreate)
    }

    /// The keyring at `path`, checked against `samples` (one sealed value per key id, from
    /// `SealedValueRepository.samplePerKey()` of a shared database), as above.
    public static func open(path: String, samples: [SealedValue], mayCreate: Bool) throws -> KeyringFile {
        if !FileManager.default.fileExists(atPath: path) {
            guard samples.isEmpty else {
                throw SecretsError.keyring("the keyring \(path) is missing, but the database holds values sealed with it: "
                    + "restore the keyring that was backed up with this data (or set secrets_keyring to where it is)")
            }
            guard mayCreate else { throw SecretsError.keyring("no keyring at \(path)") }
            try Keyring.generate().save(path: path)
        }
        let file = try KeyringFile(path: path)
        let cipher = try file.currentCipher()
        for sample in samples {
            do {
                _ = try cipher.open(sample.sealed, secretID: sample.secretID, field: sample.key)
            } catch {
                throw SecretsError.keyring("the keyring \(path) does not open the values sealed with key \(sample.keyID): "
                    + "it is not the keyring of this database")
            }
        }
        return file
    }

    /// An SQLite URI opening `path` read-only and without locks or side files.
    static func immutableURI(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute) + "?immutable=1"
    }

    /// One sealed value per key id, read without writing (the file may not exist yet, or
    /// predate the secret store).
    static func sealedSamples(_ databasePath: String) throws -> [SealedValue] {
        // Another connection closing as this one opens (it checkpoints and removes the log
        // under an exclusive lock) answers "database is locked" without asking a busy
        // handler: look again for the log and read again, for a while.
        let deadline = Date().addingTimeInterval(10)
        while true {
            do {
                return try readSamples(databasePath)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && Date() < deadline {
                usleep(20_000)
            }
        }
    }

    static func readSamples(_ databasePath: String) throws -> [SealedValue] {
        guard FileManager.default.fileExists(atPath: databasePath) else { return [] }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        // Without a write-ahead log the file alone is the database: read it as immutable, so
        // SQLite creates no -wal/-shm beside it. With one, read through it (its files exist).
        let hasLog = FileManager.default.fileExists(atPath: databasePath + "-wal")
        let queue = try DatabaseQueue(path: hasLog ? databasePath : Self.immutableURI(databasePath), configuration: configuration)
        return try queue.read { db in try SQLiteSealedValueRepository.samplePerKey(db) }
    }
}
