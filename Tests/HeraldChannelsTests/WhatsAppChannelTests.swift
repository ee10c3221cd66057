import AsyncHTTPClient
import Foundation
import HTTPTypes
import HeraldChannels
import HeraldCore
import HeraldTestSupport
import HeraldSink
import Testing

struct WhatsAppChannelTests {
    static let now = WebhookChannelTests.now
    static let token = "EAAG-secret-token-1234"

    static func channel(_ configuration: WhatsAppConfiguration = .init()) -> WhatsAppChannel {
        WhatsAppChannel(client: .shared, outbound: .loopback, configuration: configuration, retryPolicy: .chatDefault, clock: WebhookChannelTests.FixedClock())
    }

    static func profile(base: String, config extra: [String: JSONValue] = [:]) -> SenderProfile {
        var config: [String: JSONValue] = ["phone_number_id": .string("106540352242922"), "access_token": .string(token), "base_url": .string(base)]
        config.merge(extra) { _, new in new }
        return SenderProfile(id: .generate(at: now), tenantID: .default, name: "shop-1", channel: "whatsapp", config: config, createdAt: now, updatedAt: now)
    }

    static func message(content: String? = "Your order shipped", template: JSONValue? = nil) -> Message {
        Message(id: .generate(at: now), draft: MessageDraft(channel: "whatsapp", recipient: "+14155550100", content: content, template: template), now: now)
    }

    @Test func sendsTextAsTheCloudAPIExpectsAndKeepsTheWamid() async throws {
        let provider = FakeProvider()
        let report = try await provider.run { base in
            await Self.channel().send(DeliveryRequest(message: Self.message(), profile: Self.profile(base: base), attempt: 1))
        }
        #expect(report.outcome == .sent(providerMessageID: "wamid.HBgL1"))
        let request = try #require(provider.requests.first)
        #expect(request.method == .post)
        #expect(request.path == "/v26.0/106540352242922/messages")
        #expect(request.headers[.authorization] == "Bearer \(Self.token)")
        #expect(request.headers[.contentType] == "application/json")
        #expect(try JSONDecoder().decode(JSONValue.self, from: request.body) == .object([
            "messaging_product": .string("whatsapp"), "recipient_type": .string("individual"), "to": .string("+14155550100"),
            "type": .string("text"), "text": .object(["body": .string("Your order shipped")]),
        ]))
    }

    @Test func aPhoneNumberIDGivenAsANumberIsUsedAsItsDigits() async throws {
        let provider = FakeProvider()
        _ = try await provider.run { base in
            await Self.channel().send(DeliveryRequest(
                message: Self.message(), profile: Self.profile(base: base, config: ["phone_number_id": .integer(106540352242922)]), attempt: 1
            ))
        }
        #expect(provider.requests.first?.path == "/v26.0/106540352242922/messages")
    }

    @Test func sendsATemplateWithTheProfilesOwnVersion() async throws {
        let provider = FakeProvider()
        let template: JSONValue = .object([
            "name": .string("order_update"), "language": .object(["code": .string("en_US")]),
            "components": .array([.object(["type": .string("body"), "parameters": .array([])])]),
        ])
        _ = try await provider.run { base in
            await Self.channel().send(DeliveryRequest(
                message: Self.message(content: nil, template: template),
                profile: Self.profile(base: base, config: ["api_version": .string("v25.0")]), attempt: 1
            ))
        }
        let request = try #require(provider.requests.first)
        #expect(request.path == "/v25.0/106540352242922/messages")
        #expect(try JSONDecoder().decode(JSONValue.self, from: request.body) == .object([
            "messaging_product": .string("whatsapp"), "recipient_type": .string("individual"), "to": .string("+14155550100"),
            "type": .string("template"), "template": template,
        ]))
    }

    /// Each row of the error table, as Meta sends it (mostly with HTTP 400).
    static let rows: [(FakeProvider.Reply, String)] = [
        (.graphError(code: 130429), "throttled"), (.graphError(code: 131056), "throttled"),
        (.graphError(code: 4), "throttled"), (.graphError(code: 80007), "throttled"),
        (.graphError(code: 131000, status: 500), "retry"), (.graphError(code: 1), "retry"), (.graphError(code: 2), "retry"),
        (.graphError(code: 131016), "retry"), (.graphError(code: 131057), "retry"), (.graphError(code: 133004), "retry"),
        (.graphError(code: 100), "failed"), (.graphError(code: 131026), "failed"), (.graphError(code: 131047), "failed"),
        (.graphError(code: 132001), "failed"), (.graphError(code: 131042), "failed"), (.graphError(code: 190, status: 401), "failed"),
        (.graphError(code: 131048), "failed"), (.graphError(code: 131049), "failed"), (.graphError(code: 133010), "failed"),
        (.graphError(code: 999_999), "failed"), (.graphError(code: 999_999, status: 503), "retry"),
        (.status(502), "retry"), (.status(429, retryAfter: "7"), "throttled"), (.status(400), "failed"),
        (.graphError(code: 999_998, status: 429), "throttled"),
    ]

    @Test(arguments: rows)
    func classifiesByTheGraphErrorCode(reply: FakeProvider.Reply, expected: String) async throws {
        let provider = FakeProvider(replies: [reply])
        let report = try await provider.run { base in
            await Self.channel().send(DeliveryRequest(message: Self.message(), profile: Self.profile(base: base), attempt: 1))
        }
        #expect(report.kind == expected)
    }

    @Test func failureReasonKeepsCodeMessageAndDetails() async throws {
        let provider = FakeProvider(replies: [.graphError(code: 131026, subcode: 2494010, message: "Message undeliverable")])
        let report = try await provider.run { base in
            await Self.channel().send(DeliveryRequest(message: Self.message(), profile: Self.profile(base: base), attempt: 1))
        }
        #expect(report.outcome == .failed(reason: "WhatsApp error 131026 (subcode 2494010): Message undeliverable — details of 131026"))
        #expect(report.httpStatus == 400)
    }

    @Test func aThrottleHonoursRetryAfterAndTheTableIsOverridable() async throws {
        let provider = FakeProvider(replies: [.status(429, retryAfter: "7")])
        let report = try await provider.run { base in
            await Self.channel().send(DeliveryRequest(message: Self.message(), profile: Self.profile(base: base), attempt: 1))
        }
        #expect(report.outcome == .throttled(reason: "HTTP 429", after: .seconds(7)))

        var edited = WhatsAppErrorTable.standard
        edited.codes[131026] = .retry
        let table = edited
        let overridden = FakeProvider(replies: [.graphError(code: 131026)])
        let second = try await overridden.run { base in
            await Self.channel(.init(errorTable: table)).send(DeliveryRequest(message: Self.message(), profile: Self.profile(base: base), attempt: 1))
        }
        guard case .retry = second.outcome else { Issue.record("expected a retry, got \(second.outcome)"); return }
    }

    @Test func recipientsAreCheckedAsE164AndNormalized() throws {
        let channel = Self.channel()
        let draft = try channel.prepare(MessageDraft(channel: "whatsapp", recipient: "14155550100", content: "hi"), profile: nil)
        #expect(draft.recipient == "+14155550100")
        for bad in ["12345", "+0123456789", "call me", "+1234567890123456"] {
            #expect(throws: HeraldError.validation([PhoneNumber.problem(field: "to", text: bad)])) {
                try channel.prepare(MessageDraft(channel: "whatsapp", recipient: bad, content: "hi"), profile: nil)
            }
        }
        #expect(throws: HeraldError.self) { try channel.prepare(MessageDraft(channel: "whatsapp", recipient: "+14155550100"), profile: nil) }
    }

    @Test func profileChecksListEveryProblemAndNameNoSecret() {
        let problems = Self.channel().checkProfile(["phone_number_id": .string("abc"), "api_version": .string("26"), "extra": .bool(true)])
        #expect(Set(problems.map(\.field)) == ["config.phone_number_id", "config.access_token", "config.api_version", "config.extra"])
        #expect(Self.channel().checkProfile(Self.profile(base: "http://127.0.0.1:1").config).isEmpty)
    }

    @Test func credentialCheckAsksForThePhoneNumber() async throws {
        let provider = FakeProvider()
        let check = try await provider.run { base in await Self.channel().checkCredentials(Self.profile(base: base)) }
        #expect(check.ok)
        #expect(check.detail.contains("Test Shop"))
        #expect(!check.detail.contains(Self.token))
        let request = try #require(provider.requests.first)
        #expect(request.method == .get)
        #expect(request.path == "/v26.0/106540352242922")
        #expect(request.headers[.authorization] == "Bearer \(Self.token)")
    }

    @Test func aDroppedConnectionOrASlowAnswerIsRetried() async throws {
        let dropped = try await FakeProvider(replies: [.drop]).run { base in
            await Self.channel().send(DeliveryRequest(message: Self.message(), profile: Self.profile(base: base), attempt: 1))
        }
        guard case .retry = dropped.outcome else { Issue.record("a dropped connection should retry, got \(dropped.outcome)"); return }
        let slow = try await FakeProvider(replies: [.slow(.seconds(2))]).run { base in
            await Self.channel(.init(timeout: .milliseconds(300))).send(DeliveryRequest(message: Self.message(), profile: Self.profile(base: base), attempt: 1))
        }
        #expect(slow.outcome == .retry(reason: "timed out", after: nil, throttled: true))
    }
}
