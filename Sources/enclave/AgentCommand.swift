import Agents
import ArgumentParser
import Foundation
import Server

struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run an agent in the compute zone: it connects out to the control plane and reports there.",
        discussion: """
            The agent opens the only connection, outbound HTTPS to --server (through the plain HTTP proxy \
            https_proxy/http_proxy name, if any), with the API key of a service account whose role is 'agent'. \
            The key comes from --key-file (readable by its owner only) or the ENCLAVE_AGENT_KEY variable, never \
            from the command line. It registers, sends a heartbeat at the interval the server asks for, keeps \
            trying with a capped backoff while the server is away, and stops when an admin revokes it.

            It runs the pipeline runs triggered on stacks bound to it (the stack label 'enclave.agent' set to its \
            name), each in its own process: ZenML's runner with the Python of --python (where the pinned zenml \
            client is installed), importing the pipelines' code from --source-root, with a token that acts for \
            that one run only.
            """)

    @Option(help: "The control plane's address, https://HOST:PORT.")
    var server: String
    @Option(name: .customLong("key-file"), help: "File holding the agent service account's API key (mode 600).")
    var keyFile: String?
    @Option(help: "The agent's name (letters, digits, '.', '_', '-'); default: the host's name.")
    var name: String?
    @Option(help: "The pool whose runs it takes (stacks bound to the pool by their 'enclave.agent' label); default: its name.")
    var pool: String?
    @Option(help: "How many runs the agent takes at once.")
    var capacity = 1
    @Option(name: .customLong("ca-file"), help: "PEM file of the CA that signed the server's certificate, besides the system's.")
    var caFile: String?
    @Option(help: "The Python interpreter whose environment holds the pinned zenml client.")
    var python = "python3"
    @Option(name: .customLong("source-root"), help: "The directory holding the pipelines' code; default: the current directory.")
    var sourceRoot: String?
    @Option(name: .customLong("work-dir"), help: "Where each run's folder (ZenML configuration, runner log) is made; default: ./enclave-agent-runs.")
    var workDir: String?

    func run() async throws {
        let link: AgentLink
        do {
            link = try AgentLink(server: server, key: try AgentKey.read(file: keyFile, environment: ProcessInfo.processInfo.environment),
                                 caFile: caFile)
        } catch {
            Self.say("cannot start: \(error)")
            throw ExitCode(1)
        }
        let here = FileManager.default.currentDirectoryPath
        let runner = RunnerSettings(python: Self.absolute(python, searching: true), sourceRoot: Self.absolute(sourceRoot ?? here),
                                    workDirectory: Self.absolute(workDir ?? "enclave-agent-runs"), caFile: caFile.map { Self.absolute($0) })
        let worker = AgentWorker(link: link, name: name ?? AgentKey.defaultName(), version: EnclaveVersion.current, capacity: capacity,
                                 pool: pool, runner: runner, say: Self.say)
        // SIGTERM or SIGINT: stop taking work, end the runners, report them, exit 0.
        let work = Task { try await worker.run() }
        let stops = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler { work.cancel() }
            source.resume()
            return source
        }
        defer { stops.forEach { $0.cancel() } }
        do {
            try await work.value
        } catch where work.isCancelled {
            // asked to stop; the error is the interrupted request
        } catch {
            await link.close()
            Self.say("stopped: \(error)")
            throw ExitCode(1)
        }
        Self.say("stopping: ending the runs in hand")
        await worker.shutdown()
        await link.close()
        Self.say("stopped")
    }

    /// `path` made absolute against the current directory; a bare command name is looked up on PATH when `searching`.
    static func absolute(_ path: String, searching: Bool = false) -> String {
        if path.hasPrefix("/") { return path }
        if searching, !path.contains("/") {
            for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
                let candidate = "\(directory)/\(path)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL.path
    }

    @Sendable static func say(_ line: String) {
        FileHandle.standardError.write(Data("enclave agent: \(line)\n".utf8))
    }
}
