import HeraldTestSupport
import AsyncHTTPClient
import Foundation
import HTTPTypes
import HeraldChannels
import HeraldCore
import Testing

/// The events channel: a tenant's status events, signed with its current secrets, sent where
/// its settings say at the moment of sending.
struct EventsChannelTests {
    static let now = WebhookChannelTests.now
    static let current = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let previous = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"

    struct LookupFailed: Error {}

    static func event(url: String) -> Message {
        MessageEvent.make(.delivered, tenant: TenantID("shop-1"), url: url, data: ["id": .string("msg_1")], now: now)
    }

    static func channel(_ endpoint: @escaping EventsChannel.EndpointLookup) -> EventsChannel {
        EventsChannel(client: .shared, outbound: .loopback, endpoint: endpoint, clock: WebhookChannelTests.FixedClock())
    }

    @Test func sendsToTheTenantsCurrentURLSignedWithEverySecretInUse() async throws {
        let receiver = RecordingReceiver()
        let (report, event) = try await receiver.run { base in
            // Stored with an old URL; the tenant has moved its receiver since.
            let event = Self.event(url: "http://127.0.0.1:9/old")
            let channel = Self.channel { tenant, _ in
                tenant == TenantID("shop-1") ? EventEndpoint(url: base + "/v2/events", secrets: [Self.current, Self.previous]) : nil
            }
            return (await channel.send(DeliveryRequest(message: event, profile: nil, attempt: 1)), event)
        }
        #expect(report.outcome == .sent(providerMessageID: nil))
        let request = try #require(receiver.requests.first)
        #expect(request.path == "/v2/events")
        #expect(request.headers[HTTPField.Name("webhook-id")!] == event.id.rawValue)
        let signature = try #require(request.headers[HTTPField.Name("webhook-signature")!])
        #expect(signature.split(separator: " ").count == 2)
        // A receiver that knows either secret accepts it: rotation without a gap.
        for secret in [Self.current, Self.previous] {
            #expect(WebhookSigner(secret: secret)?.verify(id: event.id.rawValue, timestamp: 1_800_000_000, body: request.body, signatureHeader: signature) == true)
        }
        #expect(WebhookSigner(secret: "whsec_" + Data(repeating: 7, count: 24).base64EncodedString())?
            .verify(id: event.id.rawValue, timestamp: 1_800_000_000, body: request.body, signatureHeader: signature) == false)
        let body = try #require(JSONValue.decode(request.body))
        #expect(body["type"] == .string("message.delivered"))
        #expect(body["data"]?["id"] == .string("msg_1"))
    }

    @Test func anEventWhoseTenantStoppedTakingEventsFailsAndAFailedLookupIsRetried() async throws {
        let stopped = await Self.channel { _, _ in nil }.send(DeliveryRequest(message: Self.event(url: "https://app.test/e"), profile: nil, attempt: 1))
        #expect(stopped.outcome == .failed(reason: "the tenant no longer has an events_url"))
        let unreadable = await Self.channel { _, _ in throw LookupFailed() }.send(DeliveryRequest(message: Self.event(url: "https://app.test/e"), profile: nil, attempt: 1))
        #expect(unreadable.outcome == .retry(reason: "could not read the tenant's events settings", after: nil))
    }

    @Test func clientsCannotSendOnIt() {
        let channel = Self.channel { _, _ in nil }
        #expect(throws: HeraldError.self) {
            _ = try channel.prepare(MessageDraft(channel: MessageEvent.channel, url: "https://app.test/e", content: "x"), profile: nil)
        }
        let registry = ChannelRegistry([], internalChannels: [channel])
        #expect(registry[MessageEvent.channel] == nil)
        #expect(registry.delivering(MessageEvent.channel)?.name == MessageEvent.channel)
        #expect(registry.names.isEmpty)
    }
}
