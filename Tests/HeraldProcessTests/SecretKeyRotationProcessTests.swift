import Foundation
import HeraldCore
import HeraldTestSupport
import NIOHTTP1
import Testing

/// `herald rotate-secret-key` on the real binary: the stored secrets are sealed under a new key,
/// the key file is replaced, and the server starts with it and reads them back.
struct SecretKeyRotationProcessTests {
    static let admin = "rotation-admin-key"

    @Test(.timeLimit(.minutes(2)))
    func rotatingTheKeyKeepsEverySecretReadable() async throws {
        let database = try TemporaryDirectory.make().appendingPathComponent("herald.sqlite").path
        let keyFile = database + ".key"
        // No HERALD_SECRET_KEY: SQLite makes its key file.
        let environment = [
            "HERALD_API_KEY": CrashRecoveryTests.key, "HERALD_ADMIN_KEY": Self.admin, "HERALD_SECRET_KEY": "",
            "HERALD_DISPATCHER_PAUSED": "true",
        ]
        let first = try await HeraldProcess(database: database, environment: environment)
        let profile = #"{"name": "hooks", "channel": "webhook", "config": {"url": "https://hooks.example.com/in", "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "bearer_token": "very-secret-token"}}"#
        let (created, _) = try await ProviderChannelsProcessTests.call(
            .POST, "/api/v1/tenants/default/profiles", port: first.port, key: Self.admin, body: profile
        )
        #expect(created == .created)
        #expect(await first.terminate() == 0)
        let before = try String(contentsOfFile: keyFile, encoding: .utf8)

        let rotation = try await CommandLineProcessTests.herald(["rotate-secret-key", "--database", database], port: 0, environment: ["HERALD_SECRET_KEY": ""])
        #expect(rotation.status == 0, "\(rotation.err)")
        #expect(rotation.out.contains("Sealed 2 stored secrets with a new key, now in \(keyFile)"), "\(rotation.out)")
        let after = try String(contentsOfFile: keyFile, encoding: .utf8)
        #expect(after != before)
        #expect(!FileManager.default.fileExists(atPath: keyFile + ".new"))

        // The server starts with the new key and reads the profile back (masked).
        let second = try await HeraldProcess(database: database, environment: environment)
        let (listed, profiles) = try await ProviderChannelsProcessTests.call(.GET, "/api/v1/tenants/default/profiles", port: second.port, key: Self.admin)
        #expect(listed == .ok)
        #expect("\(profiles)".contains("hooks"))
        #expect(!"\(profiles)".contains("very-secret-token"))
        #expect(await second.terminate() == 0)

        // The old key opens nothing: start-up stops and says why.
        let refused = try await CommandLineProcessTests.herald(["migrate", "--database", database], port: 0, environment: ["HERALD_SECRET_KEY": before])
        #expect(refused.status != 0)
        #expect(refused.err.contains("does not open this database's stored secrets"), "\(refused.err)")
    }
}
