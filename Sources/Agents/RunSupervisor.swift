import Foundation

/// The runs an agent holds on its host, each in its own process: ZenML's runner entrypoint
/// with the pinned client, acting with the run's own token. It ends runs the server no longer
/// holds (stopped) and runs past their timeout, and keeps how each ended until the server has
/// heard it, so a run finishing while the server is away is reported when it is back.
public actor RunSupervisor {
    struct Held {
        let process: Process
        let started: Date
        let timeout: Int
        let log: URL
        var ending: String?
    }

    let settings: RunnerSettings
    let server: String
    let say: @Sendable (String) -> Void
    var held: [String: Held] = [:]
    /// The agent's id once registered: where a stopping agent reports its last runs.
    var agentID: String?
    /// Run id → (state, outcome) not yet accepted by the server.
    var unreported: [String: (state: String, outcome: String)] = [:]
    /// Run id → its runner log and how many bytes of it the server has.
    var logs: [String: (file: URL, sent: Int)] = [:]
    /// How much of a runner log is streamed to the server (it keeps 8 MiB); the rest stays here.
    static let streamedLogLimit = 8 << 20

    /// A supervisor starting runners as `settings` say, against `server`.
    public init(settings: RunnerSettings, server: String, say: @escaping @Sendable (String) -> Void) {
        self.settings = settings; self.server = server; self.say = say
    }

    /// Runs in hand: running, or ended and not yet reported. Their leases are renewed.
    var runIDs: [String] { Array(held.keys) + unreported.keys.filter { held[$0] == nil } }
    var running: Int { held.count }

    /// How ZenML's runner is started for `run` (its arguments and environment).
    func command(for run: ClaimedRun, home: URL) -> (arguments: [String], environment: [String: String]) {
        let arguments = ["-m", "zenml.entrypoints.entrypoint",
                         "--entrypoint_config_source", "zenml.zen_server.pipeline_execution.runner_entrypoint_configuration.RunnerEntrypointConfiguration",
                         "--snapshot_id", run.snapshotID, "--run_id", run.runID, "--placeholder_run_id", run.runID]
        let inherited = ProcessInfo.processInfo.environment
        var environment: [String: String] = [:]
        for name in ["PATH", "LANG", "LC_ALL", "TZ", "https_proxy", "http_proxy", "no_proxy", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"] {
            if let value = inherited[name] { environment[name] = value }
        }
        let existingPath = inherited["PYTHONPATH"].map { ":" + $0 } ?? ""
        environment.merge([
            "HOME": home.path, "ZENML_CONFIG_PATH": home.appendingPathComponent("zenml").path,
            "ZENML_STORE_URL": server, "ZENML_STORE_TYPE": "rest", "ZENML_STORE_API_TOKEN": run.token,
            "ZENML_STORE_VERIFY_SSL": settings.caFile ?? "True",
            "ZENML_ACTIVE_PROJECT_ID": run.projectID, "ZENML_ACTIVE_STACK_ID": run.stackID,
            "ZENML_ANALYTICS_OPT_IN": "false", "DO_NOT_TRACK": "true", "MLFLOW_DISABLE_TELEMETRY": "true",
            "PYTHONPATH": settings.sourceRoot + existingPath, "PYTHONUNBUFFERED": "1", "ZENML_LOGGING_COLORS_DISABLED": "true",
        ]) { _, new in new }
        return (arguments, environment)
    }

    /// Starts `run` in its own process; a run that cannot start is ended as failed at once.
    func start(_ run: ClaimedRun) {
        let home = URL(fileURLWithPath: settings.workDirectory).appendingPathComponent("runs").appendingPathComponent(run.runID)
        let log = home.appendingPathComponent("runner.log")
        let process = Process()
        do {
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            FileManager.default.createFile(atPath: log.path, contents: nil, attributes: [.posixPermissions: 0o600])
            let output = try FileHandle(forWritingTo: log)
            let (arguments, environment) = command(for: run, home: home)
            process.executableURL = URL(fileURLWithPath: settings.python)
            process.arguments = arguments
            process.environment = environment
            process.currentDirectoryURL = URL(fileURLWithPath: settings.sourceRoot)
            process.standardOutput = output
            process.standardError = output
            process.standardInput = FileHandle.nullDevice
            let runID = run.runID
            process.terminationHandler = { [weak self] ended in
                let status = ended.terminationStatus
                Task { await self?.ended(runID, status: status) }
            }
            try process.run()
            try? output.close()
        } catch {
            unreported[run.runID] = ("failed", "The agent could not start the runner: \(error)")
            say("run \(run.runID): could not start the runner (\(error))")
            return
        }
        held[run.runID] = Held(process: process, started: Date(), timeout: run.timeoutSeconds, log: log)
        logs[run.runID] = (log, 0)
        say("run \(run.runID): started (snapshot \(run.snapshotID)), log \(log.path)")
    }

    /// Records how run `runID`'s process ended, to be reported.
    func ended(_ runID: String, status: Int32) {
        guard let run = held.removeValue(forKey: runID) else { return }
        if let ending = run.ending {
            if ending != "stopped" { unreported[runID] = ("failed", ending) }
            say("run \(runID): ended (\(ending))")
            return
        }
        if status == 0 {
            unreported[runID] = ("finished", "The runner exited normally.")
        } else {
            unreported[runID] = ("failed", "The runner exited with status \(status): \(Self.lastLine(of: run.log))")
        }
        say("run \(runID): runner exited with status \(status)")
    }

    /// Ends the runs the server no longer holds for this agent (stopped, or taken back).
    func stop(_ runIDs: [String]) {
        for id in runIDs {
            unreported[id] = nil
            logs[id] = nil
            guard var run = held[id], run.ending == nil else { continue }
            run.ending = "stopped"
            held[id] = run
            terminate(run.process)
            say("run \(id): stopped, as the server asked")
        }
    }

    /// Ends runs that took longer than their timeout.
    func endOverdue(now: Date = Date()) {
        for (id, run) in held where run.ending == nil && now.timeIntervalSince(run.started) > Double(run.timeout) {
            held[id]?.ending = "The run took longer than the configured timeout of \(run.timeout) s; the agent ended it."
            terminate(run.process)
        }
    }

    /// Asks `process` to end, and kills it if it has not within ten seconds.
    nonisolated func terminate(_ process: Process) {
        process.terminate()
        let pid = process.processIdentifier
        Task {
            try? await Task.sleep(for: .seconds(10))
            if process.isRunning { kill(pid, SIGKILL) }
        }
    }

    /// Records the id the server gave the agent.
    func registered(as id: String) { agentID = id }

    /// Ends every run (the agent is stopping).
    func stopAll() {
        for (id, run) in held where run.ending == nil {
            held[id]?.ending = "The agent was stopped while the run was running."
            terminate(run.process)
        }
    }

    /// How ended runs went, to be reported; `reported` removes one the server has heard.
    var reports: [(runID: String, state: String, outcome: String)] { unreported.map { ($0.key, $0.value.state, $0.value.outcome) } }

    func reported(_ runID: String) {
        unreported[runID] = nil
        logs[runID] = nil
    }

    /// The next piece of each runner log the server does not have: whole lines while the run
    /// runs, everything once it ended; at most `limit` bytes a run.
    func logChunks(limit: Int = 48 * 1024) -> [(runID: String, offset: Int, text: String, length: Int)] {
        var chunks: [(runID: String, offset: Int, text: String, length: Int)] = []
        for (runID, log) in logs where log.sent < Self.streamedLogLimit {
            guard let handle = try? FileHandle(forReadingFrom: log.file) else { continue }
            defer { try? handle.close() }
            try? handle.seek(toOffset: UInt64(log.sent))
            guard var bytes = try? handle.read(upToCount: min(limit, Self.streamedLogLimit - log.sent)), !bytes.isEmpty else { continue }
            if held[runID] != nil || bytes.count == limit {
                guard let newline = bytes.lastIndex(of: 0x0A) else { continue }
                bytes = bytes.prefix(through: newline)
            }
            chunks.append((runID, log.sent, String(decoding: bytes, as: UTF8.self), bytes.count))
        }
        return chunks
    }

    /// Records that the server has run `runID`'s log up to byte `offset`.
    func logSent(_ runID: String, upTo offset: Int) {
        if let log = logs[runID] { logs[runID] = (log.file, max(log.sent, offset)) }
    }

    /// Stops streaming `runID`'s log (the server no longer takes it).
    func dropLog(_ runID: String) { logs[runID] = nil }

    /// The last non-empty line of a runner's log, cut to 500 characters.
    static func lastLine(of log: URL) -> String {
        guard let handle = try? FileHandle(forReadingFrom: log) else { return "(no log)" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 4096 ? size - 4096 : 0)
        let tail = String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
        let line = tail.split(whereSeparator: \.isNewline).last.map(String.init) ?? "(empty log)"
        return String(line.prefix(500))
    }
}
