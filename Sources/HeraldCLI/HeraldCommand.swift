public import ArgumentParser
import HeraldServer

/// `herald`: the root command.
public struct HeraldCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "herald",
        abstract: "A reliable outbound message dispatcher.",
        version: HeraldVersion.current,
        subcommands: [
            ServeCommand.self, MigrateCommand.self, SinkCommand.self, BenchCommand.self, SendCommand.self, BailCommand.self, MessagesCommand.self, StatusCommand.self,
            TenantsCommand.self, KeysCommand.self, ProfilesCommand.self, RotateSecretKeyCommand.self,
        ],
        defaultSubcommand: nil
    )

    public init() {}
}
