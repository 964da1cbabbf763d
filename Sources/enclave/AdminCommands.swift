import ArgumentParser
import Foundation
import Server

struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage administrators.", subcommands: [CreateAdmin.self])
}

struct CreateAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an admin account in the data folder and activate the server.",
        discussion: "The password is read from standard input (one line), so it never appears in the process list."
    )

    @Option(help: "Account name.") var name: String
    @Option(name: .customLong("data-dir"), help: "Data folder (default ./.enclave or ENCLAVE_DATA_DIR).") var dataDirectory: String?

    func run() async throws {
        guard let password = readLine(strippingNewline: true), !password.isEmpty else {
            throw ValidationError("give the password on standard input, e.g. `enclave admin create --name admin < password-file`")
        }
        let folder = dataDirectory ?? ProcessInfo.processInfo.environment["ENCLAVE_DATA_DIR"] ?? "./.enclave"
        do {
            let id = try await createAdmin(dataDirectory: folder, name: name, password: password)
            print("created admin '\(name)' (\(id)) in \(folder)")
        } catch {
            throw ValidationError("cannot create admin '\(name)': \(error)")
        }
    }
}

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Copy the database while the server runs (online, consistent).")

    @Option(name: .customLong("data-dir"), help: "Data folder (default ./.enclave or ENCLAVE_DATA_DIR).") var dataDirectory: String?
    @Option(help: "Where to write the copy.") var out: String

    func run() throws {
        let folder = dataDirectory ?? ProcessInfo.processInfo.environment["ENCLAVE_DATA_DIR"] ?? "./.enclave"
        do {
            try backupDatabase(dataDirectory: folder, to: out)
            print("backed up \(folder) to \(out)")
        } catch {
            throw ValidationError("backup failed: \(error)")
        }
    }
}

struct Routes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the HTTP routes this binary serves, one `METHOD /path` per line.",
        discussion: "Read from the router itself; the fuzz tests restrict ZenML's OpenAPI document to these."
    )

    func run() throws {
        for route in try servedRoutes() { print(route) }
    }
}
