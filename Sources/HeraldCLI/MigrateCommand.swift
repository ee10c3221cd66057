import ArgumentParser
import HeraldServer

/// `herald migrate`: brings the database schema up to date and exits.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade the database schema, then exit."
    )

    @OptionGroup var options: ServerOptions

    func run() async throws {
        let configuration = try options.load(command: "migrate")
        let logger = LoggingSetup.logger(label: "herald", level: configuration.app.logLevel)
        // Opening migrates; nothing else starts.
        try await OpenedStore.withOpenedStore(configuration: configuration, processID: "migrate", logger: logger) { _ in }
        let database = configuration.database.url.map { _ in "PostgreSQL database" } ?? "database \(configuration.database.path)"
        print("\(database) is up to date")
    }
}
