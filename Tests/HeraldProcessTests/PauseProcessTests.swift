import Foundation
import HeraldCore
import HeraldSink
import HeraldTestSupport
import NIOHTTP1
import Testing

/// Pauses are stored: `dispatcher.paused` pauses the server at start, and a pause — the
/// server's or a tenant's own — outlasts a restart of the real binary.
struct PauseProcessTests {
    static let admin = "pause-admin-key"
    typealias Crash = CrashRecoveryTests

    @Test(.timeLimit(.minutes(2)))
    func aPauseOutlastsARestart() async throws {
        let database = try TemporaryDirectory.make().appendingPathComponent("herald.sqlite").path
        try await withSink(secret: Crash.secret) { sinkURL, ledger in
            var environment = [
                "HERALD_API_KEY": Crash.key, "HERALD_ADMIN_KEY": Self.admin, "HERALD_WEBHOOK_SECRET": Crash.secret,
                "HERALD_WEBHOOK_URL": sinkURL, "HERALD_DISPATCHER_PAUSED": "true",
            ]
            let first = try await HeraldProcess(database: database, environment: environment)
            // herald serve says at start which refused ranges are open.
            #expect(first.log.contains("outbound requests may reach 127.0.0.0/8 (outbound.allowed_networks)"), "\(first.log)")
            let (accepted, _) = try await ProviderChannelsProcessTests.call(
                .POST, "/api/v1/messages", port: first.port, key: Crash.key, body: #"{"channel": "webhook", "content": "held"}"#
            )
            #expect(accepted == .accepted)
            let (_, server) = try await ProviderChannelsProcessTests.call(.GET, "/api/v1/scheduler/status", port: first.port, key: Self.admin)
            #expect(server["server_paused"] == .bool(true))
            // The tenant pauses itself too.
            #expect(try await ProviderChannelsProcessTests.call(.POST, "/api/v1/scheduler/stop", port: first.port, key: Crash.key).0 == .ok)
            #expect(await first.terminate() == 0)

            // Started again without the setting: both pauses are still there.
            environment["HERALD_DISPATCHER_PAUSED"] = "false"
            let second = try await HeraldProcess(database: database, environment: environment)
            let (_, tenant) = try await ProviderChannelsProcessTests.call(.GET, "/api/v1/scheduler/status", port: second.port, key: Crash.key)
            #expect(tenant["status"] == .string("stopped"))
            #expect(tenant["server_paused"] == .bool(true))
            #expect(tenant["tenant_paused"] == .bool(true))

            // The server resumed, the tenant still paused: nothing goes out.
            #expect(try await ProviderChannelsProcessTests.call(.POST, "/api/v1/scheduler/start", port: second.port, key: Self.admin).0 == .ok)
            try await Task.sleep(for: .seconds(1))
            #expect(ledger.stats.uniqueDelivered == 0)
            // The tenant resumes: its message goes.
            #expect(try await ProviderChannelsProcessTests.call(.POST, "/api/v1/scheduler/start", port: second.port, key: Crash.key).0 == .ok)
            let delivered = await eventually(timeout: .seconds(20)) { ledger.stats.uniqueDelivered == 1 }
            #expect(delivered)
            #expect(await second.terminate() == 0)
        }
    }
}
