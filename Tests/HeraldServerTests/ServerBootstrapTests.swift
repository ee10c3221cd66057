import Foundation
import HTTPTypes
import HeraldCore
import HeraldServer
import HeraldStore
import HeraldTestSupport
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing

/// The composed server: credentials generated once, the whole stack behind one router.
struct ServerBootstrapTests {
    final class Announcements: Sendable {
        let lines = Mutex<[String]>([])
        func record(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    static func configuration(database: String) -> HeraldConfiguration {
        var configuration = HeraldConfiguration()
        configuration.app.port = 0
        configuration.database.path = database
        configuration.webhook.url = "http://127.0.0.1:1/unused"
        configuration.outbound = APITestHarness.loopbackPolicy
        configuration.dispatcher.paused = true
        return configuration
    }

    static let logger = Logger(label: "bootstrap-test", factory: { _ in SwiftLogNoOpLogHandler() })

    @Test func generatesAKeyAndASecretOnceAndTheKeyWorks() async throws {
        let database = try TemporaryDirectory.make().appendingPathComponent("h.sqlite").path
        let announcements = Announcements()
        let key = try await HeraldServerBuilder(
            configuration: Self.configuration(database: database), logger: Self.logger,
            announce: { announcements.record($0) }
        ).withApplication { app in
            let lines = announcements.all
            #expect(lines.count == 3)
            let key = try #require(lines.first { $0.contains("API key for the default tenant") }?.split(separator: "\n").last?.trimmingCharacters(in: .whitespaces))
            #expect(lines.contains { $0.contains("admin key") && $0.contains("hka_") })
            #expect(key.hasPrefix("hk_"))
            #expect(lines.contains { $0.contains("whsec_") })

            try await app.test(.live) { client in
                let health = try await client.execute(uri: "/health", method: .get)
                #expect(health.status == .ok)
                let accepted = try await client.execute(
                    uri: "/api/v1/messages", method: .post,
                    headers: [.authorization: "Bearer \(key)", .contentType: "application/json"],
                    body: ByteBuffer(string: #"{"content":"hi"}"#)
                )
                #expect(accepted.status == .accepted)
                let refused = try await client.execute(
                    uri: "/api/v1/messages", method: .post,
                    headers: [.authorization: "Bearer hk_not-the-key", .contentType: "application/json"],
                    body: ByteBuffer(string: #"{"content":"hi"}"#)
                )
                #expect(refused.status == .unauthorized)
            }
            return key
        }

        // A second start on the same database announces nothing: the secrets are stored.
        let again = Announcements()
        try await HeraldServerBuilder(
            configuration: Self.configuration(database: database), logger: Self.logger,
            announce: { again.record($0) }
        ).withApplication { restarted in
            #expect(again.all.isEmpty)
            try await restarted.test(.live) { client in
                let response = try await client.execute(uri: "/api/v1/messages", method: .post,
                    headers: [.authorization: "Bearer \(key)", .contentType: "application/json"], body: ByteBuffer(string: #"{"content":"again"}"#))
                #expect(response.status == .accepted)
            }
        }
    }

    @Test func configuredCredentialsAreUsedAndNothingIsGenerated() async throws {
        let database = try TemporaryDirectory.make().appendingPathComponent("h.sqlite").path
        var configuration = Self.configuration(database: database)
        configuration.app.apiKey = "configured-key"
        configuration.app.adminKey = "configured-admin-key"
        configuration.webhook.secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let announcements = Announcements()
        try await HeraldServerBuilder(configuration: configuration, logger: Self.logger, announce: { announcements.record($0) }).withApplication { app in
            #expect(announcements.all.isEmpty)
            try await app.test(.live) { client in
                let response = try await client.execute(
                    uri: "/api/v1/messages/msg_01M83RP5KF8SXN585PSSR22MT4", method: .get,
                    headers: [.authorization: "Bearer configured-key"]
                )
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func theSecretKeyFileIsMadeOnceAndAWrongKeyStopsStartUp() async throws {
        let database = try TemporaryDirectory.make().appendingPathComponent("h.sqlite").path
        var configuration = Self.configuration(database: database)
        try await HeraldServerBuilder(configuration: configuration, logger: Self.logger, announce: { _ in }).withApplication { app in try await app.test(.live) { _ in } }
        let keyFile = SecretKeySource.keyFilePath(for: database)
        let attributes = try FileManager.default.attributesOfItem(atPath: keyFile)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let key = try String(contentsOfFile: keyFile, encoding: .utf8)
        // Started again: the same file, the same key.
        try await HeraldServerBuilder(configuration: configuration, logger: Self.logger, announce: { _ in }).withApplication { app in
            try await app.test(.live) { _ in }
        }
        #expect(try String(contentsOfFile: keyFile, encoding: .utf8) == key)

        configuration.database.secretKey = SecretBox.generateKey()
        let error = await #expect(throws: HeraldError.self) {
            try await HeraldServerBuilder(configuration: configuration, logger: Self.logger, announce: { _ in }).withApplication { _ in }
        }
        #expect(error?.message.contains("does not open this database's stored secrets") == true, "\(String(describing: error))")
        configuration.database.secretKey = key
        try await HeraldServerBuilder(configuration: configuration, logger: Self.logger, announce: { _ in }).withApplication { app in
            try await app.test(.live) { _ in }
        }
    }

    @Test func aKeyFileOthersCanReadStopsStartUp() async throws {
        let database = try TemporaryDirectory.make().appendingPathComponent("h.sqlite").path
        let configuration = Self.configuration(database: database)
        try await HeraldServerBuilder(configuration: configuration, logger: Self.logger, announce: { _ in }).withApplication { app in try await app.test(.live) { _ in } }
        let keyFile = SecretKeySource.keyFilePath(for: database)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyFile)
        let error = await #expect(throws: HeraldError.self) {
            try await HeraldServerBuilder(configuration: configuration, logger: Self.logger, announce: { _ in }).withApplication { _ in }
        }
        #expect(error?.message.contains("can be read by other users of this machine (mode 644)") == true, "\(String(describing: error))")
        #expect(error?.message.contains("chmod 600 \(keyFile)") == true)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)
        try await HeraldServerBuilder(configuration: configuration, logger: Self.logger, announce: { _ in }).withApplication { app in try await app.test(.live) { _ in } }
    }

    @Test func postgresWithoutASecretKeyStopsStartUp() async throws {
        var configuration = Self.configuration(database: "unused.sqlite")
        configuration.database.url = "postgres://herald@127.0.0.1:1/herald"
        let error = await #expect(throws: HeraldError.self) {
            try await HeraldServerBuilder(configuration: configuration, logger: Self.logger, announce: { _ in }).withApplication { _ in }
        }
        #expect(error?.message.contains("PostgreSQL needs HERALD_SECRET_KEY") == true)
    }

    @Test func badSettingsStopStartUp() async throws {
        var configuration = Self.configuration(database: try TemporaryDirectory.make().appendingPathComponent("h.sqlite").path)
        configuration.webhook.secret = "not-a-secret"
        await #expect(throws: HeraldError.self) {
            try await HeraldServerBuilder(configuration: configuration, logger: Self.logger, announce: { _ in }).withApplication { _ in }
        }
        configuration.webhook.secret = nil
        configuration.dispatcher.leaseDuration = .seconds(2)
        await #expect(throws: HeraldError.self) {
            try await HeraldServerBuilder(configuration: configuration, logger: Self.logger, announce: { _ in }).withApplication { _ in }
        }
    }
}
