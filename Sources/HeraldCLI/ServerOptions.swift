import ArgumentParser
import HeraldCore
import HeraldServer

/// Flags shared by the commands that open Herald's database.
struct ServerOptions: ParsableArguments {
    @Option(name: .long, help: "The YAML configuration file (default: ./herald.yaml if present, or HERALD_CONFIG).")
    var config: String?

    @Option(name: .long, help: "The SQLite file, or a postgres:// URL (overrides database.path / HERALD_DATABASE).")
    var database: String?

    /// Loads the configuration with these flags on top.
    /// - Parameter command: the subcommand loading it, named in the error's pointer to its help.
    /// - Throws: an exit with status 78 after writing every problem found.
    func load(extra: [(path: String, value: String)] = [], command: String) throws -> HeraldConfiguration {
        var overrides = extra
        if let database { overrides.append(("database.path", database)) }
        do {
            return try ConfigurationLoader(file: config, overrides: overrides).load()
        } catch {
            throw StartupFailure.exit(error.message, command: command)
        }
    }
}
