import ArgumentParser
import HeraldServer
import HeraldStoreSQLite

/// `herald migrate`: brings the database schema up to date and exits.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade the database schema, then exit."
    )

    @OptionGroup var options: ServerOptions

    func run() async throws {
        let configuration = try options.load()
        let store = try SQLiteStore(configuration: configuration.sqliteConfiguration)
        try store.migrate()
        print("database \(configuration.database.path) is up to date")
    }
}
