import ArgumentParser
import HeraldServer
import HeraldStore

/// `herald rotate-secret-key`: seals every stored secret under a new key, in one transaction.
struct RotateSecretKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-secret-key",
        abstract: "Seal every stored secret (provider tokens, app secrets, signing secrets) under a new key.",
        discussion: """
            With SQLite and its key file, the file is replaced once the secrets are sealed. With \
            HERALD_SECRET_KEY, the new key is printed: stop every herald process first, and start \
            them again with HERALD_SECRET_KEY set to it.
            """
    )

    @OptionGroup var options: ServerOptions

    @Option(name: .customLong("new-key"), help: "The new key, base64 of 32 bytes (default: a fresh random one).")
    var newKey: String?

    func run() async throws {
        let configuration = try options.load(command: "rotate-secret-key")
        let logger = LoggingSetup.logger(label: "herald", level: configuration.app.logLevel)
        let text = newKey ?? SecretBox.generateKey()
        let next = try SecretBox(base64Key: text)
        try await OpenedStore.withOpenedStore(configuration: configuration, processID: "rotate-secret-key", logger: logger) { opened in
            switch opened.secretKeySource {
            case .file(let path):
                // The new key is on disk before any secret is sealed with it.
                let pending = SecretKeySource.pendingKeyFilePath(for: path)
                try SecretKeySource.write(text, to: pending)
                let count = try await opened.store.resealSecrets(from: opened.secrets, to: next)
                try SecretKeySource.promote(pending, to: path)
                print("Sealed \(count) stored secrets with a new key, now in \(path)")
            case .configured:
                let count = try await opened.store.resealSecrets(from: opened.secrets, to: next)
                print("Sealed \(count) stored secrets with the new key. Start every herald process with HERALD_SECRET_KEY set to it:")
                print("  \(text)")
            }
        }
    }
}
