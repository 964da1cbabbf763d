import Foundation

/// Starts, stops and checks the installed server: through systemd when the host runs it
/// (and the root is `/`), otherwise by itself with a pid file under the root, so tests,
/// containers and non-root installs work the same way.
struct ServiceController {
    let layout: InstallLayout

    /// The port from `etc/enclave/config.json`.
    var port: Int { InstallLayout.port(configFile: layout.configFile) }

    /// The pid and release version of a running server Enclave started, if any.
    func running() -> (pid: pid_t, version: String)? {
        if layout.usesSystemd { return systemdRunning() }
        guard let text = try? String(contentsOfFile: layout.pidFile, encoding: .utf8) else { return nil }
        let parts = text.split(whereSeparator: \.isWhitespace)
        guard parts.count == 2, let pid = pid_t(parts[0]), Self.isAlive(pid), isOurs(pid) else { return nil }
        return (pid, String(parts[1]))
    }

    func systemdRunning() -> (pid: pid_t, version: String)? {
        let output = Self.run(["systemctl", "show", "-p", "MainPID", "--value", "enclave"])
        guard let pid = pid_t(output.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0 else { return nil }
        let version = HostFiles.linkTarget(layout.current).map { ($0 as NSString).lastPathComponent } ?? "unknown"
        return (pid, version)
    }

    /// Whether `pid` is an `enclave supervise` or `enclave serve` using this root's config
    /// (pids get reused; installs before the supervisor recorded `serve` itself).
    func isOurs(_ pid: pid_t, commands: Set<String> = ["supervise", "serve"]) -> Bool {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return arguments.count > 1 && commands.contains(arguments[1]) && arguments.contains(layout.configFile)
    }

    /// Live processes of this root running one of `commands` that the pid file does not name:
    /// a `serve` whose supervisor was killed, or a supervisor whose starter was killed before
    /// it wrote the pid file (left alone, it would restart the server it was just stopped for).
    func strayProcesses(_ commands: Set<String>) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid_t($0) }.filter { $0 != getpid() && isOurs($0, commands: commands) && Self.isAlive($0) }
    }

    /// Whether `pid` exists and has not exited (reaps it if it is our exited child).
    static func isAlive(_ pid: pid_t) -> Bool {
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { return false }
        guard kill(pid, 0) == 0 else { return false }
        return !mainThreadExited(pid)
    }

    /// Whether the main thread of `pid` has exited (state `Z` in `/proc/PID/stat`): a
    /// zombie, or a crashed process whose other threads linger.
    static func mainThreadExited(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")"), stat.distance(from: close, to: stat.endIndex) > 2
        else { return false }
        return stat[stat.index(close, offsetBy: 2)] == "Z"
    }

    /// Starts the release `current` points at and waits until it answers `/health`,
    /// or fails (stopping what it started) when it exits or misses the deadline.
    func start(deadline: TimeInterval) throws {
        if layout.usesSystemd {
            _ = Self.run(["systemctl", "daemon-reload"])
            _ = Self.run(["systemctl", "enable", "--now", "enclave"])
        } else if running() == nil {
            guard let target = HostFiles.linkTarget(layout.current) else { throw InstallerError.conflict("nothing is installed under \(layout.root)/") }
            let version = (target as NSString).lastPathComponent
            var arguments = ["supervise", "--server", InstallLayout.binary(in: layout.current), "--config", layout.configFile]
            try HostFiles.makeDirectory(layout.logDirectory)
            if let account = try ServiceAccount.ensure(for: layout) {
                // Whatever root wrote there since (the first admin, a restored backup) becomes the service's.
                let log = open(layout.logFile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
                if log >= 0 { close(log) }
                chmod(layout.stateDirectory, 0o755)  // the service user must reach data/ (installer/ stays 0700)
                account.own(layout.dataDirectory)
                account.own(layout.logDirectory)
                arguments += ["--user", account.name]
            }
            let pid = try spawn(Self.supervisorBinary, arguments)
            try HostFiles.writeAtomically(Data("\(pid) \(version)\n".utf8), to: layout.pidFile, mode: 0o644)
        }
        try waitUntilHealthy(deadline: deadline)
    }

    func waitUntilHealthy(deadline: TimeInterval) throws {
        let port = self.port
        let limit = Date().addingTimeInterval(deadline)
        while Date() < limit {
            if HealthProbe.isHealthy(port: port) { return }
            if !layout.usesSystemd, running() == nil {
                throw InstallerError.failed("the server exited during start (see \(layout.logFile))")
            }
            usleep(50_000)
        }
        throw InstallerError.failed("the server did not answer /health on port \(port) within \(Int(deadline)) s (see \(layout.logFile))")
    }

    /// Stops the server (SIGTERM, then SIGKILL after `grace` seconds); a no-op when none runs.
    func stop(grace: TimeInterval = 30) {
        if layout.usesSystemd {
            _ = Self.run(["systemctl", "stop", "enclave"])
            return
        }
        defer { unlink(layout.pidFile) }
        let limit = Date().addingTimeInterval(grace)
        if let (pid, _) = running() { Self.terminate(pid, until: limit) }
        for pid in strayProcesses(["supervise"]) { Self.terminate(pid, until: limit) }
        for pid in strayProcesses(["serve"]) { Self.terminate(pid, until: limit) }
    }

    /// SIGTERM, then SIGKILL once `limit` has passed; returns when `pid` is gone.
    static func terminate(_ pid: pid_t, until limit: Date) {
        kill(pid, SIGTERM)
        while isAlive(pid), Date() < limit { usleep(20_000) }
        if isAlive(pid) {
            kill(pid, SIGKILL)
            while isAlive(pid) { usleep(20_000) }
        }
    }

    /// This very binary, which supervises the release's server: an older release that
    /// knows no `supervise` can still be started by a newer installer (rollback).
    static var supervisorBinary: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Starts `binary` in its own session with output appended to the log.
    func spawn(_ binary: String, _ arguments: [String]) throws -> pid_t {
        try HostFiles.makeDirectory(layout.logDirectory)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, layout.logFile, O_WRONLY | O_CREAT | O_APPEND, 0o640)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, 0x80)  // POSIX_SPAWN_SETSID (glibc), not imported by Swift
        let argv = ([binary] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, binary, &actions, &attributes, argv, environ)
        guard result == 0 else { throw InstallerError.failed("cannot start \(binary): \(String(cString: strerror(result)))") }
        return pid
    }

    /// Runs a helper command and returns its standard output ("" when it cannot run or fails).
    @discardableResult
    static func run(_ command: [String], input: String? = nil) -> String {
        let outcome = self.outcome(command, input: input)
        return outcome.succeeded ? outcome.output : ""
    }

    /// Runs a helper command: whether it succeeded, and what it wrote (both streams).
    static func outcome(_ command: [String], input: String? = nil) -> (succeeded: Bool, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        let output = Pipe(), feed = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = feed
        // A helper that exits without reading its input must not kill the installer with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        guard (try? process.run()) != nil else { return (false, "cannot run \(command.first ?? "")") }
        if let input { try? feed.fileHandleForWriting.write(contentsOf: Data(input.utf8)) }
        try? feed.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus == 0, String(decoding: data, as: UTF8.self))
    }
}
