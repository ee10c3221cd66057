import Foundation
import HTTPTypes
import HeraldCore
import HeraldServer
import HeraldSink
import HeraldTestSupport
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// `GET /metrics` on the composed server: who may read it, and that its figures follow what
/// the server did — messages accepted, deliveries to a real receiver, the queue depth counted
/// in the database, request durations by route pattern.
struct MetricsEndpointTests {
    static let key = "metrics-tenant-key"
    static let adminKey = "metrics-admin-key"

    static func configuration(database: String, webhookURL: String) -> HeraldConfiguration {
        var configuration = ServerBootstrapTests.configuration(database: database)
        configuration.app.apiKey = key
        configuration.app.adminKey = adminKey
        configuration.webhook.url = webhookURL
        configuration.webhook.secret = APITestHarness.secret
        return configuration
    }

    /// The value of the sample line `name{labels}` (labels as written, in order), if present.
    static func sample(_ text: String, _ series: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    static func scrape(_ client: any TestClientProtocol, key: String? = adminKey) async throws -> (HTTPResponse.Status, String) {
        let response = try await client.execute(
            uri: "/metrics", method: .get, headers: key.map { [.authorization: "Bearer \($0)"] } ?? [:]
        )
        return (response.status, String(buffer: response.body))
    }

    @Test func countsWhatTheServerAcceptedAndDeliveredAndTheQueueFromTheDatabase() async throws {
        let database = try TemporaryDirectory.make().appendingPathComponent("m.sqlite").path
        try await withSink(secret: APITestHarness.secret) { url, ledger in
            try await HeraldServerBuilder(configuration: Self.configuration(database: database, webhookURL: url), logger: ServerBootstrapTests.logger)
                .withApplication { app in
                    try await app.test(.live) { client in
                        for index in 0..<5 {
                            let accepted = try await client.execute(
                                uri: "/api/v1/messages", method: .post,
                                headers: [.authorization: "Bearer \(Self.key)", .contentType: "application/json"],
                                body: ByteBuffer(string: #"{"content":"m\#(index)"}"#)
                            )
                            #expect(accepted.status == .accepted)
                        }
                        var (status, text) = try await Self.scrape(client)
                        #expect(status == .ok)
                        #expect(Self.sample(text, #"herald_messages_accepted_total{tenant="default",channel="webhook"}"#) == 5)
                        // Paused: all five wait, counted by the database's triggers.
                        #expect(Self.sample(text, #"herald_queue_depth{status="queued"}"#) == 5)
                        #expect(Self.sample(text, #"herald_http_request_duration_seconds_count{method="POST",route="/api/v1/messages",status="202"}"#) == 5)
                        #expect((Self.sample(text, "process_resident_memory_bytes") ?? 0) > 1_000_000)

                        let resumed = try await client.execute(
                            uri: "/api/v1/scheduler/start", method: .post, headers: [.authorization: "Bearer \(Self.adminKey)"]
                        )
                        #expect(resumed.status == .ok)
                        #expect(await eventually { ledger.stats.uniqueDelivered == 5 })
                        let allSent = try await eventually {
                            Self.sample(try await Self.scrape(client).1, #"herald_queue_depth{status="sent"}"#) == 5
                        }
                        #expect(allSent)
                        (status, text) = try await Self.scrape(client)
                        #expect(Self.sample(text, #"herald_queue_depth{status="queued"}"#) == 0)
                        #expect(Self.sample(text, #"herald_deliveries_total{channel="webhook",outcome="sent"}"#) == 5)
                        #expect(Self.sample(text, #"herald_delivery_duration_seconds_count{channel="webhook"}"#) == 5)
                        #expect((Self.sample(text, #"herald_claim_batch_size_sum"#) ?? 0) >= 5)
                        #expect((Self.sample(text, #"herald_group_commit_batch_size_sum{writes="completion"}"#) ?? 0) >= 5)
                        #expect(text.contains("# TYPE herald_delivery_duration_seconds histogram"))
                        // A message id never becomes a label: the route pattern does.
                        _ = try await client.execute(uri: "/api/v1/messages/msg_01M83RP5KF8SXN585PSSR22MT4", method: .get, headers: [.authorization: "Bearer \(Self.key)"])
                        text = try await Self.scrape(client).1
                        #expect(!text.contains("msg_01M83RP5KF8SXN585PSSR22MT4"))
                        #expect(text.contains(#"route="/api/v1/messages/{id}",status="404""#))
                    }
                }
        }
    }

    @Test func onlyTheAdminKeyOrAnAllowedNetworkMayRead() async throws {
        let database = try TemporaryDirectory.make().appendingPathComponent("m.sqlite").path
        var configuration = Self.configuration(database: database, webhookURL: "http://127.0.0.1:1/unused")
        try await HeraldServerBuilder(configuration: configuration, logger: ServerBootstrapTests.logger).withApplication { app in
            try await app.test(.live) { client in
                #expect(try await Self.scrape(client, key: nil).0 == .unauthorized)
                let (status, text) = try await Self.scrape(client, key: Self.key)
                #expect(status == .forbidden)
                #expect(text.contains(#""error":"admin_key_required""#))
                #expect(try await Self.scrape(client, key: "hk_wrong").0 == .unauthorized)
                #expect(try await Self.scrape(client).0 == .ok)
            }
        }
        // Loopback opened: a keyless scrape from it is answered; a tenant's key is still refused.
        configuration.metrics.allowedNetworks = [try IPNetwork("127.0.0.0/8"), try IPNetwork("::1/128")]
        try await HeraldServerBuilder(configuration: configuration, logger: ServerBootstrapTests.logger).withApplication { app in
            try await app.test(.live) { client in
                let (status, text) = try await Self.scrape(client, key: nil)
                #expect(status == .ok)
                #expect(text.contains("herald_queue_depth"))
                #expect(try await Self.scrape(client, key: Self.key).0 == .forbidden)
            }
        }
        // Another network opened: loopback is not in it.
        configuration.metrics.allowedNetworks = [try IPNetwork("10.0.0.0/8")]
        try await HeraldServerBuilder(configuration: configuration, logger: ServerBootstrapTests.logger).withApplication { app in
            try await app.test(.live) { client in
                let status = try await Self.scrape(client, key: nil).0
                #expect(status == .unauthorized)
            }
        }
        configuration.metrics.enabled = false
        try await HeraldServerBuilder(configuration: configuration, logger: ServerBootstrapTests.logger).withApplication { app in
            try await app.test(.live) { client in
                let (status, text) = try await Self.scrape(client)
                #expect(status == .notFound)
                #expect(text.contains("metrics.enabled"))
            }
        }
    }
}
