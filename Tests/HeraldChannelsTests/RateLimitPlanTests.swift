import AsyncHTTPClient
import Foundation
@testable import HeraldChannels
import HeraldCore
import Logging
import Testing

/// What each channel's sends are limited by.
struct RateLimitPlanTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func request(_ channel: String, _ config: [String: JSONValue], content: String = "hi", to: String = "+14155550100") -> DeliveryRequest {
        let profile = SenderProfile(id: .generate(at: now), tenantID: .default, name: "p", channel: channel, config: config, createdAt: now, updatedAt: now)
        let message = Message(id: .generate(at: now), draft: MessageDraft(channel: channel, recipient: to, content: content, profileID: profile.id), now: now)
        return DeliveryRequest(message: message, profile: profile, attempt: 1)
    }

    @Test func whatsAppDefaultsToEightyASecondSharedBucketsAndPairSpacing() {
        let channel = WhatsAppChannel(client: .shared, configuration: .init(), retryPolicy: .chatDefault)
        let sent = request("whatsapp", ["phone_number_id": .string("1065"), "access_token": .string("t"), "app_id": .string("77"), "business_account_id": .string("88")])
        let plan = channel.rateLimits(for: sent)
        #expect(plan.buckets.map { $0.key } == [sent.message.throttleKey ?? "", "whatsapp-app:77", "whatsapp-waba:88"])
        #expect(plan.buckets.first?.rate == 80)
        #expect(plan.buckets.dropFirst().allSatisfy { $0.rate == nil })
        #expect(plan.pacing == RecipientPacing(key: "whatsapp:1065|+14155550100", interval: .seconds(6), burst: 45))
        let slowed = channel.rateLimits(for: request("whatsapp", ["phone_number_id": .string("1065"), "access_token": .string("t"), "rate": .integer(5), "burst": .integer(2)]))
        #expect(slowed.buckets.first.map { [$0.rate, $0.burst] } == [5, 2])
    }

    @Test func twilioCountsSegmentsAtOneASecondPerSender() {
        let channel = TwilioChannel(client: .shared, configuration: .init(), retryPolicy: .chatDefault)
        let config: [String: JSONValue] = ["account_sid": .string("AC1"), "auth_token": .string("t"), "from": .string("+15005550006")]
        let long = channel.rateLimits(for: request("twilio", config, content: String(repeating: "a", count: 200)))
        #expect(long.buckets.first.map { [$0.rate, $0.cost] } == [1, 2])
        #expect(long.buckets.last?.key == "twilio-account:AC1")
        let unicode = channel.rateLimits(for: request("twilio", config, content: String(repeating: "é€😀", count: 30)))
        #expect(unicode.buckets.first?.cost == 2, "UCS-2: 120 code units in 67-unit segments")
        let service = channel.rateLimits(for: request("twilio", ["account_sid": .string("AC1"), "auth_token": .string("t"), "messaging_service_sid": .string("MG1"), "senders": .integer(4)]))
        #expect(service.buckets.first?.rate == 4)
    }

    @Test func aBailoutProfilesDelayIsItsRate() {
        let channel = BotServerChannel(client: .shared, retryPolicy: .chatDefault, logger: .init(label: "t"))
        #expect(channel.rateLimits(for: request("botserver", ["url": .string("http://bot.test/synthetic")])).buckets.first?.rate == 10)
        let delayed = channel.rateLimits(for: request("botserver", ["url": .string("http://bot.test/synthetic"), "delay": .string("2s")])).buckets.first
        #expect(delayed.map { [$0.rate, $0.burst] } == [0.5, 1])
        #expect(channel.checkProfile(["url": .string("http://bot.test/s"), "delay": .string("soon"), "rate": .integer(-1)]).map(\.field) == ["config.rate", "config.delay"])
    }

    @Test func gsmTextTakesOneSegmentUpTo160Characters() {
        #expect(SMSSegments.count(String(repeating: "a", count: 160)) == 1)
        #expect(SMSSegments.count(String(repeating: "a", count: 161)) == 2)
        #expect(SMSSegments.count(String(repeating: "{", count: 80)) == 1, "extension characters count twice")
        #expect(SMSSegments.count(String(repeating: "é", count: 70)) == 1)
        #expect(SMSSegments.count("ğ" + String(repeating: "a", count: 70)) == 2, "one non-GSM character makes the text UCS-2")
    }

    @Test func aWebhookProfilesOwnRateAndItsHostsRateBothApply() throws {
        let channel = try WebhookChannel(
            client: .shared, configuration: .init(rateLimits: ["hooks.example.com": HostRate(rate: 50, burst: 100)])
        )
        func webhook(_ config: [String: JSONValue], url: String = "https://hooks.example.com/in") -> DeliveryRequest {
            let profile = SenderProfile(id: .generate(at: now), tenantID: .default, name: "w", channel: "webhook", config: config, createdAt: now, updatedAt: now)
            let message = Message(id: .generate(at: now), draft: MessageDraft(channel: "webhook", url: url, content: "x", profileID: profile.id), now: now)
            return DeliveryRequest(message: message, profile: profile, attempt: 1)
        }
        let limited = webhook(["rate": .integer(2), "burst": .integer(3)])
        let plan = channel.rateLimits(for: limited)
        #expect(plan.buckets.map(\.key) == [limited.message.throttleKey ?? "", "host:hooks.example.com"])
        #expect(plan.buckets.map(\.rate) == [2, 50])
        #expect(plan.buckets.first?.burst == 3)
        // A profile without a rate of its own still takes the host's tokens (first bucket: its key, no limit).
        let plain = webhook([:])
        #expect(channel.rateLimits(for: plain).buckets.map(\.key) == [plain.message.throttleKey ?? "", "host:hooks.example.com"])
        #expect(channel.rateLimits(for: plain).buckets.map(\.rate) == [nil, 50])
        #expect(channel.rateLimits(for: webhook(["delay": .string("250ms")])).buckets.first?.rate == 4)
        // Without a profile: the host's own bucket only.
        let bare = Message(id: .generate(at: now), draft: MessageDraft(channel: "webhook", url: "https://hooks.example.com/in", content: "x"), now: now)
        #expect(channel.rateLimits(for: DeliveryRequest(message: bare, profile: nil, attempt: 1)).buckets.map(\.key) == ["host:hooks.example.com"])
        let elsewhere = Message(id: .generate(at: now), draft: MessageDraft(channel: "webhook", url: "https://other.example.com/in", content: "x"), now: now)
        #expect(channel.rateLimits(for: DeliveryRequest(message: elsewhere, profile: nil, attempt: 1)) == .none)
        // Nothing limits a profile without a rate to a host without one.
        #expect(channel.rateLimits(for: webhook([:], url: "https://other.example.com/in")) == .none)
        #expect(channel.checkProfile(["rate": .integer(0)]).map(\.field) == ["config.rate"])
        #expect(channel.checkProfile(["rate": .integer(5), "burst": .integer(10), "delay": .string("1s")]).isEmpty)
    }
}
