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

    @OptionGroup var data: DataFolderOptions  // its --database-url and --database-password-file name the target
    @Option(name: .customLong("artifact-store"), help: "Target artifact store, s3://BUCKET/PREFIX (default: the artifacts stay in the data folder).")
    var artifactStore: String?

    func run() async throws {
        var settings = try data.settings()
        guard let databaseURL = settings.databaseURL else {
            throw ValidationError("name the target database: --database-url postgresql://USER@HOST:PORT/DB")
        }
        let target = MigrationTarget(databaseURL: databaseURL, databasePasswordFile: settings.databasePasswordFile, artifactStore: artifactStore)
        settings.databaseURL = nil  // the source is the data folder's SQLite file
        try await reportingFailures {
            try await migrateStores(settings, to: target) { line in print(line) }
        }
    }
}
