import ArgumentParser
import Server

/// `enclave`: one binary holding the whole control plane and its installer. This target
/// only parses arguments; the modules do the work.
@main
struct Enclave: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Self-hosted MLOps control plane for sites without internet access.",
        subcommands: [Serve.self, Version.self, Admin.self, Backup.self, Migrate.self, SecretsCommand.self, AuditCommand.self, Routes.self, Keys.self, BundleCommand.self,
                      Install.self, Upgrade.self, Rollback.self, Status.self, Start.self, Stop.self, Supervise.self, Releases.self, AgentCommand.self]
    )
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the Enclave version and the ZenML API version it serves.")

    func run() {
        print("enclave \(EnclaveVersion.current) (ZenML API 0.98.0)")
    }
}
