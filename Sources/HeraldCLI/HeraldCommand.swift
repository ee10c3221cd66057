public import ArgumentParser
import HeraldClient
import HeraldServer

/// `herald`: the root command.
public struct HeraldCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "herald",
        abstract: "A reliable outbound message dispatcher.",
        version: HeraldVersion.current,
        subcommands: [
            ServeCommand.self, MigrateCommand.self, SinkCommand.self, BenchCommand.self, SendCommand.self, BailCommand.self, MessagesCommand.self, StatusCommand.self,
            // Shortcuts of `herald messages attempts|cancel|retry ID`.
            MessagesCommand.Attempts.self, MessagesCommand.Cancel.self, MessagesCommand.Retry.self,
            TenantsCommand.self, KeysCommand.self, ProfilesCommand.self, RotateSecretKeyCommand.self,
        ],
        defaultSubcommand: nil
    )

    public init() {}
}

extension HeraldCommand {
    /// Parses the arguments and runs the command, as `main()` does — and a client command that
    /// finds no server says so in a way a person can act on, with status 69 (`EX_UNAVAILABLE`).
    public static func runAndExit() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch HeraldClientError.transport(let message) {
            exit(withError: StartupFailure.exit(
                message + ": is herald serve running? Set --server or HERALD_URL", status: StartupFailure.unavailable
            ))
        } catch {
            exit(withError: error)
        }
    }
}
