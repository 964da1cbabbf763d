import Dispatch
import Foundation

/// Keeps the installed server running where systemd does not (containers, `--root`
/// installs): what `Restart=on-failure` does in the unit. It starts `serve`, restarts it
/// when it dies of a crash (a signal or a non-zero exit) after a pause that doubles up to
/// 30 s, and passes SIGTERM/SIGINT on for a clean stop. A server that fails before it
/// ever answered `/health` is a failed start, not a crash: the supervisor then exits
/// with its status so `enclave start` reports it at once.
public struct Supervisor {
    /// The `enclave` binary to run as `serve`.
    let server: String
    /// The config file passed to `serve --config`.
    let configFile: String
    /// Longest pause between restarts, in seconds.
    static let longestPause: TimeInterval = 30
    /// A server that ran this long counts as stable: the next pause starts short again.
    static let stableAfter: TimeInterval = 60

    /// The account to drop to before starting anything (nil: stay who we are).
    let account: ServiceAccount?

    /// A supervisor for `server serve --config configFile`, run as `account` when given.
    public init(server: String, configFile: String, account: ServiceAccount? = nil) {
        self.server = server
        self.configFile = configFile
        self.account = account
    }

    /// Runs until the server is stopped by a signal sent to the supervisor, exits cleanly,
    /// or fails to start; returns the exit status for the supervisor's own process.
    public func run() -> Int32 {
        if let account {
            do { try account.become() } catch {
                report("error", "cannot drop to the service user", ["user": account.name, "reason": "\(error)"])
                return 1
            }
        }
        let state = SupervisorState()
        let sources = [SIGTERM, SIGINT, SIGHUP].map { number -> DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { state.stop(forwarding: number == SIGHUP ? SIGTERM : number) }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }
        let port = InstallLayout.port(configFile: configFile)
        var pause: TimeInterval = 1
        var everHealthy = false
        while true {
            let started = Date()
            let pid: pid_t
            do {
                pid = try spawnServer()
            } catch {
                report("error", "cannot start the server", ["reason": "\(error)"])
                return 1
            }
            state.started(pid)
            let (status, becameHealthy) = wait(for: pid, checkingHealthOn: everHealthy ? nil : port)
            everHealthy = everHealthy || becameHealthy
            state.started(0)
            let outcome = ExitOutcome(status)
            if state.isStopping { return outcome.code ?? 0 }
            if outcome.code == 0 {
                report("info", "the server exited cleanly; not restarting", [:])
                return 0
            }
            if !everHealthy {
                report("error", "the server failed before it answered /health; not restarting", outcome.fields)
                return outcome.code ?? 1
            }
            if Date().timeIntervalSince(started) > Self.stableAfter { pause = 1 }
            report("error", "the server died; restarting", outcome.fields.merging(["restart_in_s": "\(Int(pause))"]) { $1 })
            if state.sleep(pause) { return 0 }
            pause = min(pause * 2, Self.longestPause)
        }
    }

    /// Waits for `pid` to exit; until then, probes `/health` on `port` (when given) and
    /// says whether it ever answered.
    func wait(for pid: pid_t, checkingHealthOn port: Int?) -> (status: Int32, becameHealthy: Bool) {
        var status: Int32 = 0
        var healthy = false
        var leaderGoneSince: Date?
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return (status, healthy) }
            if result < 0 && errno != EINTR { return (status, healthy) }
            // A crash can leave the main thread dead while other threads hang (seen with
            // the runtime's backtracer and repeated signals): then no exit ever comes.
            if ServiceController.mainThreadExited(pid) {
                let since = leaderGoneSince ?? Date()
                leaderGoneSince = since
                if Date().timeIntervalSince(since) > 5 { kill(pid, SIGKILL) }
            }
            if !healthy, let port, HealthProbe.isHealthy(port: port, timeout: 1) { healthy = true }
            usleep(healthy || port == nil ? 200_000 : 50_000)
        }
    }

    func spawnServer() throws -> pid_t {
        let arguments: [String] = [server, "serve", "--config", configFile]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, server, nil, nil, argv, environ)
        guard result == 0 else { throw InstallerError.failed("cannot start \(server): \(String(cString: strerror(result)))") }
        return pid
    }

    /// One JSON line on stderr (the service log), in the shape the server's own lines have.
    func report(_ level: String, _ message: String, _ fields: [String: String]) {
        var line = "{\"ts\":\"\(ISO8601DateFormatter().string(from: Date()))\",\"level\":\"\(level)\",\"logger\":\"enclave.supervisor\",\"msg\":\"\(message)\""
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
            line += ",\"\(key)\":\"\(value.filter { $0 != "\"" && $0 != "\\" && !$0.isNewline })\""
        }
        FileHandle.standardError.write(Data((line + "}\n").utf8))
    }
}

/// How a child process ended, decoded from its `waitpid` status.
struct ExitOutcome {
    /// The exit code, when it exited.
    let code: Int32?
    /// The signal, when one ended it.
    let signal: Int32?

    init(_ status: Int32) {
        let signal = status & 0x7F
        if signal == 0 {
            code = (status >> 8) & 0xFF
            self.signal = nil
        } else {
            code = nil
            self.signal = signal
        }
    }

    var fields: [String: String] {
        if let signal { return ["signal": "\(signal)"] }
        return ["exit_code": "\(code ?? -1)"]
    }
}

/// What the signal handlers and the supervising loop share.
final class SupervisorState: @unchecked Sendable {
    private let condition = NSCondition()
    private var child: pid_t = 0
    private var stopping = false

    var isStopping: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopping
    }

    /// Records the running child (0: none); a stop that came first reaches it at once.
    func started(_ pid: pid_t) {
        condition.lock()
        defer { condition.unlock() }
        child = pid
        if stopping && pid > 0 { kill(pid, SIGTERM) }
    }

    /// Marks the supervisor as stopping and passes `signal` to the child.
    func stop(forwarding signal: Int32) {
        condition.lock()
        defer { condition.unlock() }
        stopping = true
        if child > 0 { kill(child, signal) }
        condition.broadcast()
    }

    /// Waits `seconds` or until a stop; returns whether the supervisor is stopping.
    func sleep(_ seconds: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        condition.lock()
        defer { condition.unlock() }
        while !stopping, condition.wait(until: deadline) {}
        return stopping
    }
}
