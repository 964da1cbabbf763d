import Foundation

/// What is installed, kept in `var/lib/enclave/installer/state.json` — outside every
/// release folder, so no bundle can write it. `highest` only grows: it is how a
/// downgrade is recognised even after a rollback.
struct InstallerState: Codable, Equatable {
    var installed: String
    var previous: String?
    var highest: String
    /// The database copy taken before the last upgrade, used by `enclave rollback`.
    var lastBackup: String?

    static func load(_ layout: InstallLayout) throws -> InstallerState? {
        guard let data = FileManager.default.contents(atPath: layout.stateFile) else { return nil }
        guard let state = try? JSONDecoder().decode(InstallerState.self, from: data) else {
            throw InstallerError.failed("\(layout.stateFile) is damaged; restore it or reinstall")
        }
        return state
    }

    func save(_ layout: InstallLayout) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try HostFiles.writeAtomically(try encoder.encode(self), to: layout.stateFile, mode: 0o644)
    }
}

/// The journal of one upgrade: each phase is written (fsync'd, renamed into place)
/// before the step it names starts, so a killed upgrader can be finished or undone.
struct UpgradeJournal: Codable, Equatable {
    enum Phase: String, Codable, Comparable {
        case verified, backedUp = "backed_up", stopped, switched, started, healthy
        static func < (a: Phase, b: Phase) -> Bool { a.step < b.step }
        /// Position in the upgrade, first to last.
        var step: Int {
            switch self {
            case .verified: return 0
            case .backedUp: return 1
            case .stopped: return 2
            case .switched: return 3
            case .started: return 4
            case .healthy: return 5
            }
        }
    }

    var phase: Phase
    let from: String
    let to: String
    var backup: String?
    let wasRunning: Bool

    static func load(_ layout: InstallLayout) -> UpgradeJournal? {
        guard let data = FileManager.default.contents(atPath: layout.journalFile) else { return nil }
        return try? JSONDecoder().decode(UpgradeJournal.self, from: data)
    }

    /// Records `phase`; with `ENCLAVE_FAULT_AFTER=<phase>` set the process then kills
    /// itself (fault injection for the interrupted-upgrade tests).
    mutating func enter(_ phase: Phase, _ layout: InstallLayout) throws {
        self.phase = phase
        try HostFiles.writeAtomically(try JSONEncoder().encode(self), to: layout.journalFile, mode: 0o644)
        if ProcessInfo.processInfo.environment["ENCLAVE_FAULT_AFTER"] == phase.rawValue { kill(getpid(), SIGKILL) }
    }

    static func clear(_ layout: InstallLayout) { unlink(layout.journalFile) }
}

/// An exclusive `flock` on the installer's lock file: one installer at a time.
final class InstallerLock {
    let fd: Int32

    init(_ layout: InstallLayout) throws {
        try HostFiles.makeDirectory(layout.installerDirectory, mode: 0o700)
        fd = open(layout.lockFile, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw InstallerError.failed("cannot open \(layout.lockFile)") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw InstallerError.conflict("another install, upgrade or rollback is running (lock \(layout.lockFile))")
        }
    }

    deinit { flock(fd, LOCK_UN); close(fd) }
}
