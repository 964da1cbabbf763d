import ArgumentParser
import Foundation
import Server

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Move a stopped single-host install (SQLite + the artifact folder) to PostgreSQL and an S3-compatible store.",
        discussion: """
            Every table and artifact is copied and verified by count and SHA-256; the data folder is only read. \
            Run it again after an interruption: what is already copied is kept. The target database must be new \
            or one this command filled from the same data folder. S3 endpoint, region and keys come from the \
            environment as for `serve --artifact-store`.
            """)

    @OptionGroup var data: DataFolderOptions
    @Option(name: .customLong("database-url"), help: "Target database, postgresql://USER@HOST:PORT/DB[?sslmode=…].") var databaseURL: String
    @Option(name: .customLong("database-password-file"), help: "File holding the target database's password.") var databasePasswordFile: String?
    @Option(name: .customLong("artifact-store"), help: "Target artifact store, s3://BUCKET/PREFIX (default: the artifacts stay in the data folder).")
    var artifactStore: String?

    func run() async throws {
        let settings = try data.settings()
        let target = MigrationTarget(databaseURL: databaseURL, databasePasswordFile: databasePasswordFile, artifactStore: artifactStore)
        try await reportingFailures {
            try await migrateStores(settings, to: target) { line in print(line) }
        }
    }
}
