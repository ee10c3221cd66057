import ArgumentParser
import HeraldServer

/// `herald serve`: runs the HTTP API and the dispatcher until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Accept messages over HTTP and deliver them."
    )

    @OptionGroup var options: ServerOptions

    @Option(name: .long, help: "Address to listen on (overrides app.host / HERALD_HOST).")
    var host: String?

    @Option(name: .long, help: "Port to listen on (overrides app.port / HERALD_PORT).")
    var port: Int?

    @Flag(name: .long, help: "Send nothing: every message accepted ends dry_run (overrides dispatcher.dry_run).")
    var dryRun = false

    func run() async throws {
        var extra: [(path: String, value: String)] = []
        if let host { extra.append(("app.host", host)) }
        if let port { extra.append(("app.port", String(port))) }
        if dryRun { extra.append(("dispatcher.dry_run", "true")) }
        let configuration = try options.load(extra: extra, command: "serve")
        // Before anything starts: one process per SQLite file, and a port that is free.
        let lock = (configuration.database.url ?? "").isEmpty ? try DatabaseFileLock(databasePath: configuration.database.path) : nil
        try await PortAvailability.check(host: configuration.app.host, port: configuration.app.port)
        let logger = LoggingSetup.logger(label: "herald", level: configuration.app.logLevel)
        let host = configuration.app.host
        let builder = HeraldServerBuilder(configuration: configuration, logger: logger, onServerRunning: { port in
            // At once and whatever the log level: scripts (and `herald bench`) started with
            // `--port 0` wait for this line to learn the port.
            HeraldServerBuilder.writeAtOnce("herald serve listening on http://\(host):\(port)")
        })
        try await builder.run()
        withExtendedLifetime(lock) {}
    }
}
