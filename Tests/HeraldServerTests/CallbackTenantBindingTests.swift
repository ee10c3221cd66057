import Foundation
import HTTPTypes
import HeraldAPI
import HeraldChannels
import HeraldCore
import HeraldDispatcher
import HeraldStore
import HeraldTestSupport
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// A provider callback acts only for the tenant whose credentials verified it: one tenant's own
/// Meta app secret or Twilio auth token cannot move another tenant's messages or raise events
/// for either of them.
struct CallbackTenantBindingTests {
    static let tenantA = TenantID("shop-a")
    static let tenantB = TenantID("shop-b")
    static let secretA = "app-secret-of-a"
    static let secretB = "app-secret-of-b"
    static let accountA = "AC" + String(repeating: "a", count: 32)
    static let accountB = "AC" + String(repeating: "b", count: 32)

    /// Two tenants taking events, each with its own WhatsApp number and Twilio account.
    static func harness() async throws -> APITestHarness {
        let harness = CallbacksAPITests.harness()
        let now = harness.clock.now()
        for (tenant, number, secret, account, token) in [
            (tenantA, "1001", secretA, accountA, "token-a"), (tenantB, "2002", secretB, accountB, "token-b"),
        ] {
            try await harness.store.createTenant(Tenant(
                id: tenant, name: tenant.rawValue, eventsURL: "https://events.example.test/\(tenant)", eventsSecret: SigningSecret.generate(),
                createdAt: now, updatedAt: now
            ))
            try await harness.store.createProfile(SenderProfile(
                id: .generate(at: now), tenantID: tenant, name: "wa", channel: "whatsapp",
                config: ["phone_number_id": .string(number), "access_token": .string("t"), "app_secret": .string(secret)], createdAt: now, updatedAt: now
            ))
            try await harness.store.createProfile(SenderProfile(
                id: .generate(at: now), tenantID: tenant, name: "sms", channel: "twilio",
                config: ["account_sid": .string(account), "auth_token": .string(token), "from": .string("+15005550006")], createdAt: now, updatedAt: now
            ))
        }
        return harness
    }

    /// A message of `tenant` sent with its profile `profileName` and accepted as `providerID`.
    static func sentMessage(_ harness: APITestHarness, tenant: TenantID, profileName: String, providerID: String) async throws -> MessageID {
        let profile = try #require(try await harness.store.profiles(tenant: tenant).first { $0.name == profileName })
        let message = Message(
            id: .generate(at: harness.clock.now()),
            draft: MessageDraft(tenantID: tenant, channel: profile.channel, recipient: "+14155550100", content: "hi", profileID: profile.id),
            now: harness.clock.now()
        )
        _ = try await harness.store.enqueue([message])
        let claimed = try await harness.store.claim(ClaimParams(owner: "t", limit: 100, now: harness.clock.now(), leaseDuration: .seconds(30)))
        let mine = try #require(claimed.first { $0.id == message.id })
        _ = try await harness.store.complete([Completion(
            messageID: mine.id, lease: try #require(mine.lease?.token), resolution: .sent(providerMessageID: providerID), attempt: nil,
            now: harness.clock.now()
        )])
        return message.id
    }

    static func events(_ harness: APITestHarness, _ tenant: TenantID) async throws -> [Message] {
        try await harness.store.listMessages(MessageQuery(tenant: tenant, kind: .event, limit: 100))
    }

    static func body(number: String, status wamid: String, incoming: Bool) -> String {
        let messages = incoming
            ? #","contacts":[{"wa_id":"4915112345678","profile":{"name":"Eve"}}],"messages":[{"from":"4915112345678","id":"wamid.IN1","timestamp":"1800000001","type":"text","text":{"body":"hi"}}]"#
            : ""
        return #"{"object":"whatsapp_business_account","entry":[{"id":"88","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001","phone_number_id":"\#(number)"},"statuses":[{"id":"\#(wamid)","status":"failed","timestamp":"1800000002","recipient_id":"14155550100","errors":[{"code":131026,"title":"Message undeliverable"}]}]\#(messages)}}]}]}"#
    }

    @Test func aTenantsOwnAppSecretCannotSignForAnotherTenantsNumber() async throws {
        let harness = try await Self.harness()
        let messageB = try await Self.sentMessage(harness, tenant: Self.tenantB, profileName: "wa", providerID: "wamid.B1")
        try await harness.test { client async throws in
            let forged = Self.body(number: "2002", status: "wamid.B1", incoming: true)
            #expect(try await CallbacksAPITests.postWhatsApp(client, forged, secret: Self.secretA) == HTTPResponse.Status.unauthorized)
            // The server's own secret does not verify a number whose profile has its own.
            #expect(try await CallbacksAPITests.postWhatsApp(client, forged, secret: CallbacksAPITests.appSecret) == HTTPResponse.Status.unauthorized)
        }
        await ReceiptReconciler(store: harness.store, clock: harness.clock, logger: APITestHarness.quiet).reconcile()
        #expect(try await harness.store.message(id: messageB, tenant: nil)?.status == .sent, "B's message does not move")
        #expect(try await Self.events(harness, Self.tenantB).isEmpty, "B gets no event")
        #expect(try await Self.events(harness, Self.tenantA).isEmpty, "A gets none either")
    }

    @Test func aReceiptVerifiedForOneNumberDoesNotMoveAMessageSentFromAnother() async throws {
        let harness = try await Self.harness()
        let messageB = try await Self.sentMessage(harness, tenant: Self.tenantB, profileName: "wa", providerID: "wamid.B2")
        try await harness.test { client async throws in
            // Rightly signed for A's own number, but naming B's wamid: kept, never applied to B's message.
            let body = Self.body(number: "1001", status: "wamid.B2", incoming: false)
            #expect(try await CallbacksAPITests.postWhatsApp(client, body, secret: Self.secretA) == HTTPResponse.Status.ok)
        }
        await ReceiptReconciler(store: harness.store, clock: harness.clock, logger: APITestHarness.quiet).reconcile()
        #expect(try await harness.store.message(id: messageB, tenant: nil)?.status == .sent)
        #expect(try await Self.events(harness, Self.tenantB).isEmpty)
        #expect(try await Self.events(harness, Self.tenantA).isEmpty)
    }

    @Test func aBodyWithTwoNumbersIsJudgedValueByValue() async throws {
        let harness = try await Self.harness()
        let messageA = try await Self.sentMessage(harness, tenant: Self.tenantA, profileName: "wa", providerID: "wamid.A3")
        let messageB = try await Self.sentMessage(harness, tenant: Self.tenantB, profileName: "wa", providerID: "wamid.B3")
        let value = { (number: String, wamid: String) in
            #"{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"\#(number)"},"statuses":[{"id":"\#(wamid)","status":"delivered","timestamp":"1800000002","recipient_id":"1"}]}}"#
        }
        let body = #"{"object":"whatsapp_business_account","entry":[{"id":"88","changes":[\#(value("1001", "wamid.A3")),\#(value("2002", "wamid.B3"))]}]}"#
        try await harness.test { client async throws in
            #expect(try await CallbacksAPITests.postWhatsApp(client, body, secret: Self.secretA) == HTTPResponse.Status.ok, "A's value verified")
        }
        #expect(try await harness.store.message(id: messageA, tenant: nil)?.status == .delivered)
        #expect(try await harness.store.message(id: messageB, tenant: nil)?.status == .sent, "B's value is skipped")
        #expect(try await Self.events(harness, Self.tenantA).count == 1)
        #expect(try await Self.events(harness, Self.tenantB).isEmpty)
    }

    @Test func anIncomingMessageGoesOnlyToTheTenantWhoseSecretVerifiedIt() async throws {
        let harness = try await Self.harness()
        try await harness.test { client async throws in
            let body = Self.body(number: "2002", status: "wamid.none", incoming: true)
            #expect(try await CallbacksAPITests.postWhatsApp(client, body, secret: Self.secretB) == HTTPResponse.Status.ok)
        }
        let received = try await Self.events(harness, Self.tenantB)
        #expect(received.count == 1)
        #expect(received.first?.payload?["type"] == .string("message.received"))
        #expect(try await Self.events(harness, Self.tenantA).isEmpty)
    }

    @Test func aTenantsOwnTwilioAccountCannotMoveAnotherTenantsMessage() async throws {
        let harness = try await Self.harness()
        let messageB = try await Self.sentMessage(harness, tenant: Self.tenantB, profileName: "sms", providerID: "SMb0000000000000000000000000000001")
        try await harness.test { client async throws in
            let forged = [
                ("AccountSid", Self.accountA), ("MessageSid", "SMb0000000000000000000000000000001"), ("MessageStatus", "undelivered"),
                ("ErrorCode", "30003"),
            ]
            let status = try await CallbacksAPITests.postTwilio(client, forged, token: "token-a")
            #expect(status == .ok, "signed rightly for A's own account: acknowledged, so Twilio does not retry it")
            // B's own account with A's token is refused outright.
            var otherAccount = forged
            otherAccount[0] = ("AccountSid", Self.accountB)
            #expect(try await CallbacksAPITests.postTwilio(client, otherAccount, token: "token-a") == HTTPResponse.Status.unauthorized)
        }
        await ReceiptReconciler(store: harness.store, clock: harness.clock, logger: APITestHarness.quiet).reconcile()
        #expect(try await harness.store.message(id: messageB, tenant: nil)?.status == .sent, "B's message does not move")
        #expect(try await Self.events(harness, Self.tenantB).isEmpty)
        #expect(try await Self.events(harness, Self.tenantA).isEmpty)
    }
}
