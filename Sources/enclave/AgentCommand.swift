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
            """)

    @Option(help: "The control plane's address, https://HOST:PORT.")
    var server: String
    @Option(name: .customLong("key-file"), help: "File holding the agent service account's API key (mode 600).")
    var keyFile: String?
    @Option(help: "The agent's name (letters, digits, '.', '_', '-'); default: the host's name.")
    var name: String?
    @Option(help: "How many runs the agent takes at once.")
    var capacity = 1
    @Option(name: .customLong("ca-file"), help: "PEM file of the CA that signed the server's certificate, besides the system's.")
    var caFile: String?

    func run() async throws {
        let link: AgentLink
        do {
            link = try AgentLink(server: server, key: try AgentKey.read(file: keyFile, environment: ProcessInfo.processInfo.environment),
                                 caFile: caFile)
        } catch {
            Self.say("cannot start: \(error)")
            throw ExitCode(1)
        }
        let worker = AgentWorker(link: link, name: name ?? AgentKey.defaultName(), version: EnclaveVersion.current, capacity: capacity,
                                 say: Self.say)
        do {
            try await worker.run()
            await link.close()
        } catch {
            await link.close()
            Self.say("stopped: \(error)")
            throw ExitCode(1)
        }
    }

    @Sendable static func say(_ line: String) {
        FileHandle.standardError.write(Data("enclave agent: \(line)\n".utf8))
    }
}
