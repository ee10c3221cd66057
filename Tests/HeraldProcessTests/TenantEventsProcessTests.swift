import AsyncHTTPClient
import Foundation
import HTTPTypes
import HeraldChannels
import HeraldCore
import HeraldTestSupport
import NIOCore
import NIOHTTP1
import HeraldSink
import Testing

/// Tenant status events on the real binary: a WhatsApp message sent through a fake Cloud API and
/// delivered per Meta's signed callback reaches the tenant's events URL as `message.sent` (refused
/// once, retried with the same `webhook-id`) and `message.delivered`, each signed with the
/// tenant's events secret.
struct TenantEventsProcessTests {
    static let key = "events-process-key"
    static let admin = "events-process-admin"
    static let appSecret = "events-app-secret"

    @Test(.timeLimit(.minutes(2)))
    func eventsLeaveTheServerSignedAndRetried() async throws {
        let folder = try TemporaryDirectory.make()
        let provider = FakeProvider()
        let receiver = FakeProvider(replies: [.status(503), .ok])
        try await provider.run { providerURL in
            try await receiver.run { receiverURL in
                let server = try await HeraldProcess(database: folder.appendingPathComponent("herald.sqlite").path, environment: [
                    "HERALD_API_KEY": Self.key, "HERALD_ADMIN_KEY": Self.admin, "HERALD_WHATSAPP_APP_SECRET": Self.appSecret,
                    "HERALD_RETRY_SCHEDULE": "1s,1s,1s",
                ])
                let (patched, tenant) = try await ProviderChannelsProcessTests.call(.PATCH, "/api/v1/tenants/default", port: server.port, key: Self.admin, body: #"{"events_url": "\#(receiverURL)/events"}"#)
                #expect(patched == .ok, "\(tenant)")
                let secret = try #require(tenant["events_secret"]?.stringValue)
                let profile = #"{"name": "wa", "channel": "whatsapp", "default": true, "config": {"phone_number_id": "1065", "access_token": "t", "base_url": "\#(providerURL)"}}"#
                #expect(try await ProviderChannelsProcessTests.call(.POST, "/api/v1/tenants/default/profiles", port: server.port, key: Self.admin, body: profile).0 == .created)
                let (accepted, message) = try await ProviderChannelsProcessTests.call(.POST, "/api/v1/messages", port: server.port, key: Self.key, body: #"{"channel": "whatsapp", "to": "+14155550100", "content": "hi"}"#)
                #expect(accepted == .accepted, "\(message)")
                let id = try #require(message["id"]?.stringValue)

                let sent = await eventually(timeout: .seconds(30), every: .milliseconds(100)) { receiver.requests.count >= 2 }
                #expect(sent, "\(server.log.suffix(2000))")
                let (_, stored) = try await ProviderChannelsProcessTests.call(.GET, "/api/v1/messages/\(id)", port: server.port, key: Self.key)
                let wamid = try #require(stored["provider_message_id"]?.stringValue)
                let callback = #"{"object":"whatsapp_business_account","entry":[{"id":"88","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"1065"},"statuses":[{"id":"\#(wamid)","status":"delivered","timestamp":"1800000100","recipient_id":"14155550100"}]}}]}]}"#
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/api/v1/callbacks/whatsapp")
                request.method = .POST
                request.headers.add(name: "content-type", value: "application/json")
                request.headers.add(name: "x-hub-signature-256", value: WhatsAppCallback.signature(body: Array(callback.utf8), secret: Self.appSecret))
                request.body = .bytes(ByteBuffer(string: callback))
                #expect(try await HTTPClient.shared.execute(request, timeout: .seconds(10)).status == .ok)

                let delivered = await eventually(timeout: .seconds(30), every: .milliseconds(100)) { receiver.requests.count >= 3 }
                #expect(delivered, "\(server.log.suffix(2000))")
                let deliveries = receiver.requests
                let types = deliveries.compactMap { JSONValue.decode($0.body)?["type"]?.stringValue }
                #expect(types == ["message.sent", "message.sent", "message.delivered"])
                #expect(deliveries[0].headers[HTTPField.Name("webhook-id")!] == deliveries[1].headers[HTTPField.Name("webhook-id")!])
                let signer = try #require(WebhookSigner(secret: secret))
                for delivery in deliveries {
                    let eventID = try #require(delivery.headers[HTTPField.Name("webhook-id")!])
                    let timestamp = try #require(delivery.headers[HTTPField.Name("webhook-timestamp")!].flatMap { Int($0) })
                    let signature = try #require(delivery.headers[HTTPField.Name("webhook-signature")!])
                    #expect(signer.verify(id: eventID, timestamp: timestamp, body: delivery.body, signatureHeader: signature))
                    #expect(JSONValue.decode(delivery.body)?["data"]?["id"] == .string(id))
                }
                #expect(!server.log.contains(secret))
                #expect(await server.terminate() == 0)
            }
        }
    }
}
