import Foundation
import HeraldCore
import HeraldTestSupport
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import Testing

/// `herald sink --provider` as a new user runs it: the real binary standing in for WhatsApp and
/// Twilio beside a real `herald serve`, answering sends in the providers' formats and sending
/// their signed status callbacks back — a message goes `sent`, then `delivered` and `read`, or
/// fails with the code the sink was told to stage.
@Suite(.serialized)
struct ProviderSinkProcessTests {
    static let key = "provider-sink-key"
    static let admin = "provider-sink-admin"

    /// A sink process and its port.
    static func sink(_ arguments: [String]) async throws -> (process: Process, port: Int) {
        let (process, _, port) = try await HeraldProcess.launch(["sink", "--port", "0"] + arguments) { text in
            guard let range = text.range(of: " listening on http://") else { return nil }
            return text[range.upperBound...].prefix { $0 != "\n" }.split(separator: ":").last.flatMap { Int($0) }
        }
        return (process, port)
    }

    /// A port nobody listens on now, for a server that must know its own address at start.
    static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }

    static func status(of id: String, port: Int) async throws -> JSONValue {
        try await ProviderChannelsProcessTests.call(.GET, "/api/v1/messages/\(id)", port: port, key: key).1
    }

    @Test(.timeLimit(.minutes(2)))
    func aWhatsAppMessageGoesSentDeliveredReadThroughTheFake() async throws {
        let server = try await HeraldProcess(database: try TemporaryDirectory.make().appendingPathComponent("h.sqlite").path, environment: [
            "HERALD_API_KEY": Self.key, "HERALD_ADMIN_KEY": Self.admin,
        ])
        let sink = try await Self.sink([
            "--provider", "whatsapp", "--token", "wa-token", "--app-secret", "wa-secret", "--callback-delay", "200ms",
            "--callback-url", "http://127.0.0.1:\(server.port)/api/v1/callbacks/whatsapp",
        ])
        defer { sink.process.terminate() }
        let profile = #"{"name": "wa", "channel": "whatsapp", "default": true, "config": {"phone_number_id": "1065", "access_token": "wa-token", "app_secret": "wa-secret", "base_url": "http://127.0.0.1:\#(sink.port)"}}"#
        let (created, body) = try await ProviderChannelsProcessTests.call(.POST, "/api/v1/tenants/default/profiles", port: server.port, key: Self.admin, body: profile)
        #expect(created == .created, "\(body)")
        let (_, accepted) = try await ProviderChannelsProcessTests.call(
            .POST, "/api/v1/messages", port: server.port, key: Self.key, body: #"{"channel": "whatsapp", "to": "+14155550100", "content": "hello"}"#
        )
        let id = try #require(accepted["id"]?.stringValue)
        let read = try await eventually(timeout: .seconds(30), every: .milliseconds(100)) {
            try await Self.status(of: id, port: server.port)["status"] == .string("read")
        }
        let message = try await Self.status(of: id, port: server.port)
        #expect(read, "\(message)\n\(server.log.suffix(1500))")
        #expect(message["whatsapp_message_id"]?.stringValue?.hasPrefix("wamid.") == true)
        #expect(message["delivered_at"] != .null && message["read_at"] != .null, "\(message)")

        // What the fake received, its token masked.
        let (_, received) = try await ProviderChannelsProcessTests.call(.GET, "/received", port: sink.port, key: "-")
        let send = try #require(received.arrayValue?.first { $0["path"] == .string("/v26.0/1065/messages") })
        #expect(send["headers"]?["authorization"] == .string("Bearer ****"))
        #expect(send["body"]?.stringValue?.contains("hello") == true)
        let (_, stats) = try await ProviderChannelsProcessTests.call(.GET, "/stats", port: sink.port, key: "-")
        #expect(stats["callbacks_sent"] == .integer(3), "\(stats)")
        #expect(await server.terminate() == 0)
    }

    @Test(.timeLimit(.minutes(2)))
    func aWrongTokenGetsGraphsError190AndAStagedCallbackFailureEndsTheMessageWithItsCode() async throws {
        let server = try await HeraldProcess(database: try TemporaryDirectory.make().appendingPathComponent("h.sqlite").path, environment: [
            "HERALD_API_KEY": Self.key, "HERALD_ADMIN_KEY": Self.admin,
        ])
        let sink = try await Self.sink([
            "--provider", "whatsapp", "--token", "wa-token", "--app-secret", "wa-secret", "--callback-delay", "100ms",
            "--callback-url", "http://127.0.0.1:\(server.port)/api/v1/callbacks/whatsapp", "--fail-code", "131026", "--fail-mode", "callback",
        ])
        defer { sink.process.terminate() }
        for (name, token, number) in [("good", "wa-token", "1065"), ("bad", "not-the-token", "2065")] {
            let profile = #"{"name": "\#(name)", "channel": "whatsapp", "config": {"phone_number_id": "\#(number)", "access_token": "\#(token)", "app_secret": "wa-secret", "base_url": "http://127.0.0.1:\#(sink.port)"}}"#
            let (created, body) = try await ProviderChannelsProcessTests.call(.POST, "/api/v1/tenants/default/profiles", port: server.port, key: Self.admin, body: profile)
            #expect(created == .created, "\(body)")
        }
        var ids: [String: String] = [:]
        for name in ["good", "bad"] {
            let (_, accepted) = try await ProviderChannelsProcessTests.call(
                .POST, "/api/v1/messages", port: server.port, key: Self.key, body: #"{"channel": "whatsapp", "profile": "\#(name)", "to": "+14155550100", "content": "hi"}"#
            )
            ids[name] = try #require(accepted["id"]?.stringValue)
        }
        for name in ["good", "bad"] {
            let id = try #require(ids[name])
            let ended = try await eventually(timeout: .seconds(30), every: .milliseconds(100)) {
                try await Self.status(of: id, port: server.port)["status"] == .string("failed")
            }
            let message = try await Self.status(of: id, port: server.port)
            #expect(ended, "\(name): \(message)")
            let code = name == "good" ? "131026" : "190"
            #expect(message["failure_reason"]?.stringValue?.contains(code) == true, "\(name): \(message)")
        }
        #expect(await server.terminate() == 0)
    }

    @Test(.timeLimit(.minutes(2)))
    func anSMSGoesSentDeliveredThroughTheTwilioFakeSignedOverItsStatusCallback() async throws {
        let port = try await Self.freePort()
        let (serve, output, _) = try await HeraldProcess.launch(
            ["serve", "--port", "\(port)", "--database", try TemporaryDirectory.make().appendingPathComponent("h.sqlite").path],
            environment: ProcessInfo.processInfo.environment.merging([
                "HERALD_API_KEY": Self.key, "HERALD_ADMIN_KEY": Self.admin, "HERALD_ALLOWED_NETWORKS": "127.0.0.0/8",
                "HERALD_PUBLIC_URL": "http://127.0.0.1:\(port)",
            ]) { $1 }
        ) { text in text.contains("listening on") ? port : nil }
        defer { serve.terminate() }
        let sink = try await Self.sink(["--provider", "twilio", "--auth-token", "tw-token", "--callback-delay", "200ms"])
        defer { sink.process.terminate() }
        let sid = "AC" + String(repeating: "0f", count: 16)
        let profile = #"{"name": "sms", "channel": "twilio", "default": true, "config": {"account_sid": "\#(sid)", "auth_token": "tw-token", "from": "+15005550006", "base_url": "http://127.0.0.1:\#(sink.port)"}}"#
        let (created, body) = try await ProviderChannelsProcessTests.call(.POST, "/api/v1/tenants/default/profiles", port: port, key: Self.admin, body: profile)
        #expect(created == .created, "\(body)")
        let (_, accepted) = try await ProviderChannelsProcessTests.call(
            .POST, "/api/v1/messages", port: port, key: Self.key, body: #"{"channel": "twilio", "to": "+14155550100", "content": "hello"}"#
        )
        let id = try #require(accepted["id"]?.stringValue)
        let delivered = try await eventually(timeout: .seconds(30), every: .milliseconds(100)) {
            try await Self.status(of: id, port: port)["status"] == .string("delivered")
        }
        let message = try await Self.status(of: id, port: port)
        #expect(delivered, "\(message)\n\(output.text.withLock { $0 }.suffix(1500))")
        #expect(message["provider_message_id"]?.stringValue?.hasPrefix("SM") == true)
        let (_, received) = try await ProviderChannelsProcessTests.call(.GET, "/received", port: sink.port, key: "-")
        #expect(received.arrayValue?.first?["headers"]?["authorization"] == .string("Basic ****"), "\(received)")
    }
}
