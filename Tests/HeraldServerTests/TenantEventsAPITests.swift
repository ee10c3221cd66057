import Foundation
import HTTPTypes
import HeraldChannels
import HeraldCore
import HeraldStore
import HeraldTestSupport
import HummingbirdTesting
import HeraldSink
import Testing

/// Status events for tenants: the events URL and secret, and events delivered signed, retried,
/// and kept apart from the tenant's own messages.
struct TenantEventsAPITests {
    static let admin = APITestHarness.adminKey

    @Test func settingAnEventsURLShowsItsSecretOnceAndRotationKeepsTheOldOneADay() async throws {
        let harness = APITestHarness()
        try await harness.test { client in
            let (status, set, _) = try await client.call(.patch, "/api/v1/tenants/default", json: #"{"events_url": "https://app.test/events"}"#, key: Self.admin)
            #expect(status == .ok)
            #expect(set["events_url"] == .string("https://app.test/events"))
            let secret = try #require(set["events_secret"]?.stringValue)
            #expect(secret.hasPrefix("whsec_"))
            #expect(WebhookSigner(secret: secret) != nil)

            let (_, read, _) = try await client.call(.get, "/api/v1/tenants/default", key: Self.admin)
            #expect(read["events_url"] == .string("https://app.test/events"))
            #expect(read["events_secret"] == nil)

            // A new URL keeps the secret: nothing shown.
            let (_, moved, _) = try await client.call(.patch, "/api/v1/tenants/default", json: #"{"events_url": "https://app.test/v2/events"}"#, key: Self.admin)
            #expect(moved["events_url"] == .string("https://app.test/v2/events"))
            #expect(moved["events_secret"] == nil)
            #expect(try await harness.store.tenant(id: .default)?.eventsSecret == secret)

            let (rotateStatus, rotated, _) = try await client.call(.post, "/api/v1/tenants/default/events-secret/rotate", key: Self.admin)
            #expect(rotateStatus == .ok)
            let fresh = try #require(rotated["events_secret"]?.stringValue)
            #expect(fresh != secret && fresh.hasPrefix("whsec_"))
            #expect(rotated["previous_secret_expires_at"] == .string(Timestamp.format(harness.clock.now().addingTimeInterval(86_400))))
            let endpoint = try await harness.store.tenant(id: .default)?.eventEndpoint(at: harness.clock.now())
            #expect(endpoint?.secrets == [fresh, secret])

            #expect(try await client.call(.post, "/api/v1/tenants/default/events-secret/rotate").status == .forbidden)
            #expect(try await client.call(.post, "/api/v1/tenants/nobody/events-secret/rotate", key: Self.admin).status == .notFound)

            let (stopStatus, stopped, _) = try await client.call(.patch, "/api/v1/tenants/default", json: #"{"events_url": null}"#, key: Self.admin)
            #expect(stopStatus == .ok)
            #expect(stopped["events_url"] == .null)
        }
    }

    @Test(arguments: [
        (#"{"events_url": "ftp://app.test/events"}"#, "invalid_url"),
        (#"{"events_url": "https://"}"#, "invalid_url"),
        (#"{"events_url": 5}"#, "wrong_type"),
    ])
    func aBadEventsURLIsRefusedByName(body: String, code: String) async throws {
        let harness = APITestHarness()
        try await harness.test { client in
            let (status, answer, _) = try await client.call(.patch, "/api/v1/tenants/default", json: body, key: Self.admin)
            #expect(status == .unprocessableContent)
            let problem = answer["details"]?.arrayValue?.first
            #expect(problem?["field"] == .string("events_url"))
            #expect(problem?["code"] == .string(code))
            #expect(try await harness.store.tenant(id: .default)?.eventsURL == nil)
        }
    }

    @Test func statusEventsReachTheTenantSignedRetriedAndApartFromItsMessages() async throws {
        let harness = APITestHarness()
        let sink = FakeProvider()
        let receiver = FakeProvider(replies: [.status(500), .ok])
        try await sink.run { sinkURL in
            try await receiver.run { eventsURL in
                try await harness.test { client in
                    let (_, tenant, _) = try await client.call(.patch, "/api/v1/tenants/default", json: #"{"events_url": "\#(eventsURL)/events"}"#, key: Self.admin)
                    let secret = try #require(tenant["events_secret"]?.stringValue)
                    let (accepted, message, _) = try await client.call(.post, "/api/v1/messages", json: #"{"channel": "webhook", "url": "\#(sinkURL)/hook", "content": "hi"}"#)
                    #expect(accepted == .accepted)
                    let id = try #require(message["id"]?.stringValue)

                    // The send, then its event: refused once, retried after the policy's delay.
                    _ = try await client.call(.post, "/api/v1/messaging/process")
                    _ = try await client.call(.post, "/api/v1/messaging/process")
                    #expect(receiver.requests.count == 1)
                    harness.clock.advance(by: .seconds(2))
                    _ = try await client.call(.post, "/api/v1/messaging/process")
                    #expect(receiver.requests.count == 2)

                    let deliveries = receiver.requests
                    #expect(deliveries.map(\.path) == ["/events", "/events"])
                    let eventID = try #require(deliveries[0].headers[HTTPField.Name("webhook-id")!])
                    #expect(deliveries[1].headers[HTTPField.Name("webhook-id")!] == eventID)
                    #expect(deliveries[0].body == deliveries[1].body)
                    for delivery in deliveries {
                        let timestamp = try #require(delivery.headers[HTTPField.Name("webhook-timestamp")!].flatMap { Int($0) })
                        let signature = try #require(delivery.headers[HTTPField.Name("webhook-signature")!])
                        #expect(WebhookSigner(secret: secret)?.verify(id: eventID, timestamp: timestamp, body: delivery.body, signatureHeader: signature) == true)
                    }
                    let body = try #require(JSONValue.decode(deliveries[1].body))
                    #expect(body["type"] == .string("message.sent"))
                    #expect(body["data"]?["id"] == .string(id))
                    #expect(body["data"]?["status"] == .string("sent"))
                    #expect(body["timestamp"]?.stringValue != nil)

                    // Events are listed and counted only when asked for, and raise none of their own.
                    let (_, messages, _) = try await client.call(.get, "/api/v1/messages")
                    #expect(messages["messages"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [id])
                    let (_, events, _) = try await client.call(.get, "/api/v1/messages?kind=event")
                    let listed = try #require(events["messages"]?.arrayValue)
                    #expect(listed.count == 1)
                    #expect(listed.first?["id"] == .string(eventID))
                    #expect(listed.first?["kind"] == .string("event"))
                    #expect(listed.first?["status"] == .string("sent"))
                    #expect(listed.first?["attempts"] == .number(2))
                    let (_, counts, _) = try await client.call(.get, "/api/v1/messaging/status")
                    #expect(counts["queue"]?["sent"] == .number(1))
                    let (_, eventCounts, _) = try await client.call(.get, "/api/v1/messaging/status?kind=event")
                    #expect(eventCounts["queue"]?["sent"] == .number(1))
                    #expect(try await client.call(.get, "/api/v1/messages?kind=other").status == .badRequest)

                    // A dry run raises its own event.
                    _ = try await client.call(.post, "/api/v1/messages", json: #"{"channel": "webhook", "url": "\#(sinkURL)/hook", "content": "hi", "dry_run": true}"#)
                    _ = try await client.call(.post, "/api/v1/messaging/process")
                    _ = try await client.call(.post, "/api/v1/messaging/process")
                    let types = receiver.requests.compactMap { JSONValue.decode($0.body)?["type"]?.stringValue }
                    #expect(types == ["message.sent", "message.sent", "message.dry_run"])
                }
            }
        }
    }

    @Test func providerCallbacksRaiseDeliveredAndReceivedEventsOnce() async throws {
        let harness = CallbacksAPITests.harness()
        try await harness.test { client in
            _ = try await client.call(.patch, "/api/v1/tenants/default", json: #"{"events_url": "https://app.test/events"}"#, key: Self.admin)
            let id = try await CallbacksAPITests.sentMessage(harness, providerID: "wamid.EV1")
            let status = CallbacksAPITests.statusBody("wamid.EV1", "delivered", at: 1_800_000_100)
            #expect(try await CallbacksAPITests.postWhatsApp(client, status) == .ok)
            #expect(try await CallbacksAPITests.postWhatsApp(client, status) == .ok)

            let incoming = #"{"object":"whatsapp_business_account","entry":[{"id":"88","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550100","phone_number_id":"1065"},"contacts":[{"profile":{"name":"Ada"},"wa_id":"31611111111"}],"messages":[{"from":"31611111111","id":"wamid.IN1","timestamp":"1800000200","type":"text","text":{"body":"Where is my order?"}}]}}]}]}"#
            #expect(try await CallbacksAPITests.postWhatsApp(client, incoming) == .ok)
            // Meta repeats a callback it thinks went unanswered: still one event.
            #expect(try await CallbacksAPITests.postWhatsApp(client, incoming) == .ok)

            let (_, listed, _) = try await client.call(.get, "/api/v1/messages?kind=event")
            let events = try #require(listed["messages"]?.arrayValue).reversed().compactMap { $0["payload"] }
            #expect(events.compactMap { $0["type"]?.stringValue } == ["message.delivered", "message.received"])
            #expect(events.first?["data"]?["id"] == .string(id.rawValue))
            #expect(events.first?["data"]?["status"] == .string("delivered"))
            let received = try #require(events.last?["data"])
            #expect(received["from"] == .string("31611111111"))
            #expect(received["phone_number_id"] == .string("1065"))
            #expect(received["contact"]?["profile"]?["name"] == .string("Ada"))
            #expect(received["message"]?["text"]?["body"] == .string("Where is my order?"))
        }
    }
}
