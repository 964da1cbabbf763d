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
    @OptionGroup var data: DataFolderOptions

    func run() async throws {
        guard let password = readLine(strippingNewline: true), !password.isEmpty else {
            throw ValidationError("give the password on standard input, e.g. `enclave admin create --name admin < password-file`")
        }
        let settings = try data.settings()
        do {
            let id = try await createAdmin(settings, name: name, password: password)
            print("created admin '\(name)' (\(id)) in \(settings.databaseURL ?? settings.dataDirectory)")
        } catch {
            throw ValidationError("cannot create admin '\(name)': \(error)")
        }
    }
}

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the database while the server runs (online, consistent), and its keyring beside the copy.",
        discussion: "The keyring goes to OUT.keyring (mode 0600) unless --keyring-out names another place: keep it apart from the data backup if the site wants that, but keep it; without it no secret in the copy opens.")

    @OptionGroup var data: DataFolderOptions
    @Option(help: "Where to write the copy.") var out: String
    @Option(name: .customLong("keyring-out"), help: "Where to write the keyring (default OUT.keyring).") var keyringOut: String?

    func run() throws {
        let settings = try data.settings()
        do {
            let keyring = try backupDatabase(settings, to: out, keyringTo: keyringOut)
            print("backed up \(settings.dataDirectory) to \(out)" + (keyring.map { " and its keyring to \($0)" } ?? ""))
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
