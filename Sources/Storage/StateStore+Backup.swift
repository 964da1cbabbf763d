import Foundation
import GRDB

extension StateStore {
    /// Copies the database at `source` to `destination` with SQLite's online backup API:
    /// a consistent snapshot taken while the server keeps serving. The copy is written
    /// beside `destination` and renamed into place, so it is never seen half-written.
    public static func backup(databaseAt source: String, to destination: String) throws {
        guard FileManager.default.fileExists(atPath: source) else {
            throw StorageError.cannotOpen(path: source, reason: "no such database")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        let temporary = destination + ".partial"
        try? FileManager.default.removeItem(atPath: temporary)
        do {
            let reader = try DatabaseQueue(path: source, configuration: configuration)
            let copy = try DatabaseQueue(path: temporary)
            try reader.backup(to: copy)
            try copy.close()
            try reader.close()
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw StorageError.cannotOpen(path: source, reason: "backup failed: \(error)")
        }
        guard rename(temporary, destination) == 0 else { throw StorageError.cannotOpen(path: destination, reason: "cannot move the backup into place") }
        chmod(destination, 0o600)
    }
}
