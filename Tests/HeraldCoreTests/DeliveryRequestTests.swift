import Foundation
import HeraldCore
import Testing

struct DeliveryRequestTests {
    @Test func theRateLimitKeyIsTheProfileElseTheChannelAndDestination() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let webhook = Message(id: .generate(at: now), draft: MessageDraft(channel: "webhook", url: "https://x.test/h"), now: now)
        #expect(DeliveryRequest(message: webhook, profile: nil, attempt: 1).rateLimitKey == "webhook:https://x.test/h")
        let profile = SenderProfile(id: .generate(at: now), tenantID: .default, name: "p", channel: "whatsapp", config: [:], createdAt: now, updatedAt: now)
        let chat = Message(id: .generate(at: now), draft: MessageDraft(channel: "whatsapp", recipient: "+14155550100"), now: now)
        #expect(DeliveryRequest(message: chat, profile: profile, attempt: 1).rateLimitKey == "profile:\(profile.id.rawValue)")
        #expect(DeliveryRequest(message: chat, profile: nil, attempt: 1).rateLimitKey == "whatsapp:+14155550100")
    }
}
