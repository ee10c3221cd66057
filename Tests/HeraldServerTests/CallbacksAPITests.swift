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

/// Provider status callbacks through the API: signatures, receipts, and the rules every receipt follows.
struct CallbacksAPITests {
    static let appSecret = "4f2d8b1c9e7a6350"
    static let accountSID = "AC" + String(repeating: "1", count: 32)
    static let authToken = "twilio-auth-token"

    static func harness() -> APITestHarness {
        var harness = APITestHarness()
        harness.callbacks = CallbackSettings(publicURL: "https://herald.example.test", whatsAppAppSecret: appSecret, whatsAppVerifyToken: "vt-123")
        return harness
    }

    /// Stores a message the provider accepted as `providerID`, sent with the default tenant's
    /// profile of `channel` (for WhatsApp, one for number 1065 without a secret of its own is
    /// made when there is none: the server's app secret verifies its callbacks).
    static func sentMessage(_ harness: APITestHarness, channel: String = "whatsapp", providerID: String) async throws -> MessageID {
        let now = harness.clock.now()
        let profile = channel == "whatsapp" ? try await whatsAppProfile(harness) : try await harness.store.profiles(tenant: .default).first { $0.channel == channel }
        let message = Message(
            id: .generate(at: now),
            draft: MessageDraft(channel: channel, recipient: "+14155550100", content: "hi", profileID: try #require(profile).id), now: now
        )
        _ = try await harness.store.enqueue([message])
        let claimed = try await harness.store.claim(ClaimParams(owner: "t", limit: 100, now: harness.clock.now(), leaseDuration: .seconds(30)))
        let mine = try #require(claimed.first { $0.id == message.id })
        _ = try await harness.store.complete([Completion(
            messageID: mine.id, lease: try #require(mine.lease?.token), resolution: .sent(providerMessageID: providerID), attempt: nil, now: harness.clock.now()
        )])
        return message.id
    }

    /// The default tenant's WhatsApp profile: the one it has, or one made for number 1065
    /// without a secret of its own (the server's app secret verifies its callbacks).
    @discardableResult
    static func whatsAppProfile(_ harness: APITestHarness) async throws -> SenderProfile {
        if let profile = try await harness.store.profiles(tenant: .default).first(where: { $0.channel == "whatsapp" }) { return profile }
        let now = harness.clock.now()
        let profile = SenderProfile(
            id: .generate(at: now), tenantID: .default, name: "wa", channel: "whatsapp",
            config: ["phone_number_id": .string("1065"), "access_token": .string("t")], createdAt: now, updatedAt: now
        )
        try await harness.store.createProfile(profile)
        return profile
    }

    static func statusBody(_ id: String, _ status: String, at timestamp: Int, errors: String = "") -> String {
        #"{"object":"whatsapp_business_account","entry":[{"id":"88","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"1065"},"statuses":[{"id":"\#(id)","status":"\#(status)","timestamp":"\#(timestamp)","recipient_id":"14155550100"\#(errors)}]}}]}]}"#
    }

    static func postWhatsApp(_ client: some TestClientProtocol, _ body: String, secret: String? = appSecret) async throws -> HTTPResponse.Status {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let secret { headers[HTTPField.Name("X-Hub-Signature-256")!] = WhatsAppCallback.signature(body: Array(body.utf8), secret: secret) }
        return try await client.execute(uri: "/api/v1/callbacks/whatsapp", method: .post, headers: headers, body: ByteBuffer(string: body)).status
    }

    static func postTwilio(_ client: some TestClientProtocol, _ parameters: [(String, String)], token: String = authToken, path: String = "/api/v1/callbacks/twilio") async throws -> HTTPResponse.Status {
        let body = parameters.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0.1)" }.joined(separator: "&")
        let signature = TwilioCallback.signature(url: "https://herald.example.test" + path, parameters: parameters, authToken: token)
        let headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded", HTTPField.Name("X-Twilio-Signature")!: signature]
        return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body)).status
    }

    @Test func metasVerificationAnswersTheChallengeOnlyForTheVerifyToken() async throws {
        try await Self.harness().test { client in
            let ok = try await client.execute(uri: "/api/v1/callbacks/whatsapp?hub.mode=subscribe&hub.verify_token=vt-123&hub.challenge=1158201444", method: .get)
            #expect(ok.status == .ok)
            #expect(String(buffer: ok.body) == "1158201444")
            #expect(ok.headers[.contentType]?.hasPrefix("text/plain") == true)
            for bad in ["hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1", "hub.mode=unsubscribe&hub.verify_token=vt-123&hub.challenge=1", "hub.challenge=1"] {
                #expect(try await client.execute(uri: "/api/v1/callbacks/whatsapp?\(bad)", method: .get).status == .forbidden)
            }
        }
    }

    @Test func aSignedWhatsAppStatusMovesTheMessageForwardAndABadSignatureChangesNothing() async throws {
        let harness = Self.harness()
        let id = try await Self.sentMessage(harness, providerID: "wamid.A")
        let other = try await Self.sentMessage(harness, providerID: "wamid.B")
        try await harness.test { client in
            let delivered = Self.statusBody("wamid.A", "delivered", at: 1_800_000_010)
            #expect(try await Self.postWhatsApp(client, delivered, secret: "wrong") == .unauthorized)
            #expect(try await Self.postWhatsApp(client, delivered, secret: nil) == .unauthorized)
            #expect(try await harness.store.message(id: id, tenant: nil)?.status == .sent, "a refused callback changes nothing")

            #expect(try await Self.postWhatsApp(client, delivered) == .ok)
            #expect(try await Self.postWhatsApp(client, delivered) == .ok, "the same receipt again")
            #expect(try await Self.postWhatsApp(client, Self.statusBody("wamid.A", "read", at: 1_800_000_020)) == .ok)
            let (_, answer, _) = try await client.call(.get, "/api/v1/messages/\(id)")
            #expect(answer["status"] == .string("read"))
            #expect(answer["delivered_at"]?.stringValue?.hasPrefix("2027-01-15T08:00:10") == true)
            #expect(answer["read_at"]?.stringValue?.hasPrefix("2027-01-15T08:00:20") == true)
            #expect(answer["receipts"]?.arrayValue?.map { $0["status"]?.stringValue } == ["delivered", "read"], "a duplicate is not kept twice")

            // Out of order: read first, then a late delivered that does not move it back.
            #expect(try await Self.postWhatsApp(client, Self.statusBody("wamid.B", "read", at: 1_800_000_030)) == .ok)
            #expect(try await Self.postWhatsApp(client, Self.statusBody("wamid.B", "delivered", at: 1_800_000_029)) == .ok)
            let (_, reordered, _) = try await client.call(.get, "/api/v1/messages/\(other)")
            #expect(reordered["status"] == .string("read"))
            #expect(reordered["receipts"]?.arrayValue?.map { $0["applied"] } == [.bool(true), .bool(false)])
        }
    }

    @Test func aProfilesOwnAppSecretIsAcceptedAndAFailureKeepsTheProvidersReason() async throws {
        let harness = Self.harness()
        let now = harness.clock.now()
        try await harness.store.createProfile(SenderProfile(
            id: .generate(at: now), tenantID: .default, name: "wa", channel: "whatsapp",
            config: ["phone_number_id": .string("1065"), "access_token": .string("t"), "app_secret": .string("profile-secret")], createdAt: now, updatedAt: now
        ))
        let id = try await Self.sentMessage(harness, providerID: "wamid.F")
        try await harness.test { client in
            let errors = #","errors":[{"code":131026,"title":"Message undeliverable","message":"Message undeliverable","error_data":{"details":"The recipient is not on WhatsApp"}}]"#
            #expect(try await Self.postWhatsApp(client, Self.statusBody("wamid.F", "failed", at: 1_800_000_005, errors: errors), secret: "profile-secret") == .ok)
            let (_, answer, _) = try await client.call(.get, "/api/v1/messages/\(id)")
            #expect(answer["status"] == .string("failed"))
            #expect(answer["failure_reason"] == .string("131026: Message undeliverable — The recipient is not on WhatsApp"))
        }
    }

    @Test func aReceiptForAnUnknownIdIsAnsweredAndAppliedOnceItsMessageIsKnown() async throws {
        let harness = Self.harness()
        try await Self.whatsAppProfile(harness)
        try await harness.test { client in
            let status = try await Self.postWhatsApp(client, Self.statusBody("wamid.LATE", "delivered", at: 1_800_000_003))
            #expect(status == .ok)
        }
        // The send's completion lands after the receipt: the reconciler applies it then.
        let id = try await Self.sentMessage(harness, providerID: "wamid.LATE")
        await ReceiptReconciler(store: harness.store, clock: harness.clock, logger: APITestHarness.quiet).reconcile()
        #expect(try await harness.store.message(id: id, tenant: nil)?.status == .delivered)
    }

    @Test func twilioCallbacksAreSignedByTheAccountsAuthToken() async throws {
        let harness = Self.harness()
        let now = harness.clock.now()
        try await harness.store.createProfile(SenderProfile(
            id: .generate(at: now), tenantID: .default, name: "sms", channel: "twilio",
            config: ["account_sid": .string(Self.accountSID), "auth_token": .string(Self.authToken), "from": .string("+15005550006")], createdAt: now, updatedAt: now
        ))
        let id = try await Self.sentMessage(harness, channel: "twilio", providerID: "SM123")
        try await harness.test { client in
            func callback(_ status: String, _ extra: [(String, String)] = []) -> [(String, String)] {
                [("AccountSid", Self.accountSID), ("MessageSid", "SM123"), ("MessageStatus", status), ("To", "+14155550100")] + extra
            }
            #expect(try await Self.postTwilio(client, callback("delivered"), token: "wrong") == .unauthorized)
            var otherAccount = callback("delivered")
            otherAccount[0] = ("AccountSid", "AC" + String(repeating: "2", count: 32))
            #expect(try await Self.postTwilio(client, otherAccount) == .unauthorized)
            #expect(try await harness.store.message(id: id, tenant: nil)?.status == .sent)

            #expect(try await Self.postTwilio(client, callback("sent")) == .ok)
            #expect(try await harness.store.message(id: id, tenant: nil)?.status == .sent, "sent changes nothing visible")
            #expect(try await Self.postTwilio(client, callback("undelivered", [("ErrorCode", "30003")])) == .ok)
            let (_, answer, _) = try await client.call(.get, "/api/v1/messages/\(id)")
            #expect(answer["status"] == .string("undelivered"))
            #expect(answer["failure_reason"] == .string("30003: Twilio error 30003"))
        }
    }

    @Test func callbacksHaveABodyLimitAndARateLimit() async throws {
        var harness = Self.harness()
        harness.callbacks.maxBodyBytes = 64
        harness.callbacks.rate = 1
        try await harness.test { client in
            // Refused by its declared length before the rate limit: it costs no token of the burst of 2.
            #expect(try await Self.postWhatsApp(client, String(repeating: " ", count: 65) + "{}") == .contentTooLarge)
            #expect(try await Self.postWhatsApp(client, "{}") == .ok)
            #expect(try await Self.postWhatsApp(client, "{}") == .ok)
            let limited = try await client.execute(
                uri: "/api/v1/callbacks/whatsapp", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: "{}")
            )
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] != nil)
        }
    }
}
