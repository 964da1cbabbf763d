import Foundation

extension Installation {
    /// What is installed and running, whether it is healthy, and the journal state;
    /// finishes or undoes an interrupted upgrade first (unless one is running now).
    public func status() throws -> [String] {
        var lines: [String] = []
        if let lock = try? InstallerLock(layout) {
            lines += try recoverInterruptedUpgrade()
            withExtendedLifetime(lock) {}
        } else {
            lines.append("journal: an upgrade is in progress")
        }
        guard let state = try InstallerState.load(layout) else { return lines + ["installed: none"] }
        lines.append("installed: \(state.installed) (\(HostFiles.linkTarget(layout.current) ?? "no current link"))")
        lines.append("previous: \(state.previous ?? "none")")
        if let plan = try rollbackPlan() { lines.append("rollback would go: \(plan)") }
        if let (pid, version) = service.running() {
            lines.append("running: \(version) (pid \(pid))")
            lines.append("health: " + (HealthProbe.isHealthy(port: service.port) ? "ok" : "failing"))
        } else {
            lines.append("running: no")
            lines.append("health: n/a")
        }
        if UpgradeJournal.load(layout) == nil, !lines.contains(where: { $0.hasPrefix("journal:") }) {
            lines.append("journal: clean")
        }
        return lines
    }
}
