import Foundation
import Secrets
import Storage

/// `enclave backup`: an online copy of the data folder's database and, beside it, its
/// keyring (a database without its keyring cannot open one secret). Used by operators and
/// by the upgrader (which runs the installed release's own binary for it). Returns the
/// keyring copy's path, or nil when there is no keyring yet.
@discardableResult
public func backupDatabase(_ configuration: ServerConfiguration, to destination: String, keyringTo keyringDestination: String? = nil) throws -> String? {
    if let url = configuration.databaseURL {
        throw ConfigurationError("the database is external (\(url)): back it up with PostgreSQL's tools, e.g. "
                                 + "pg_dump --format=custom --file enclave.dump '\(url)', and keep the keyring "
                                 + "\(configuration.keyringLocation().path) with it")
    }
    try StateStore.backup(databaseAt: configuration.databasePath, to: destination)
    let keyring = configuration.keyringLocation().path
    guard FileManager.default.fileExists(atPath: keyring) else { return nil }
    let copy = keyringDestination ?? destination + ".keyring"
    try Keyring.load(path: keyring).save(path: copy)
    return copy
}
