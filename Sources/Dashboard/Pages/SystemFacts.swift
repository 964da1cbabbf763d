import Foundation
import Storage

/// What the administration page shows about the running server, given by the server that
/// knows its own version, start time and folders.
public struct SystemFacts: Sendable {
    public let version: String
    public let started: Date
    public let dataDirectory: String
    public let databasePath: String
    public let artifactDirectory: String
    /// The installer's state file, when the server was installed by `enclave install`.
    public let installerState: String

    /// Facts of one server process.
    public init(version: String, started: Date, dataDirectory: String, databasePath: String, artifactDirectory: String,
                installerState: String = "/var/lib/enclave/installer/state.json") {
        self.version = version
        self.started = started
        self.dataDirectory = dataDirectory
        self.databasePath = databasePath
        self.artifactDirectory = artifactDirectory
        self.installerState = installerState
    }

    /// Sizes, free space and the installed releases, read now through `disk`: the artifact
    /// walk may touch 100,000 files, so it never runs on a request thread.
    func snapshot(disk: any DiskCalls = ThreadPoolDiskCalls()) async throws -> [String: Any] {
        try await disk.run { [self] in SendableFacts(snapshotNow()) }.facts
    }

    /// `snapshot`, on the calling thread.
    func snapshotNow() -> [String: Any] {
        let files = FileManager.default
        func size(_ path: String) -> Int64 { ((try? files.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0 }
        let database = size(databasePath) + size(databasePath + "-wal")
        var artifacts: Int64 = 0, counted = 0
        if let walker = files.enumerator(atPath: artifactDirectory) {
            while let name = walker.nextObject() as? String, counted < 100_000 {
                artifacts += size((artifactDirectory as NSString).appendingPathComponent(name))
                counted += 1
            }
        }
        var free = "unknown"
        if let attributes = try? files.attributesOfFileSystem(forPath: dataDirectory), let bytes = attributes[.systemFreeSize] as? NSNumber {
            free = Self.bytes(bytes.int64Value)
        }
        var installed = "not installed by `enclave install`", previous = "—"
        if let data = files.contents(atPath: installerState),
           let state = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] {
            installed = state["installed"] as? String ?? installed
            previous = state["previous"] as? String ?? previous
        }
        let uptime = Int(Date().timeIntervalSince(started))
        return ["version": version, "uptime": "\(uptime / 86400) d \(uptime % 86400 / 3600) h \(uptime % 3600 / 60) min",
                "dataDirectory": dataDirectory, "database": Self.bytes(database), "artifacts": Self.bytes(artifacts) + (counted >= 100_000 ? "+" : ""),
                "free": free, "installed": installed, "previous": previous]
    }

    static func bytes(_ count: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count), unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }
}

/// The system page's facts carried back from the disk thread (strings only, never shared).
struct SendableFacts: @unchecked Sendable {
    let facts: [String: Any]
    init(_ facts: [String: Any]) { self.facts = facts }
}
