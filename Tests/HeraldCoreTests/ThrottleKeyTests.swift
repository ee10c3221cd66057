import Foundation
import HeraldCore
import Testing

struct ThrottleKeyTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aMessageWithAProfileIsCountedAgainstTheProfile() {
        let profile = ProfileID.generate(at: now)
        let chat = Message(id: .generate(at: now), draft: MessageDraft(channel: "whatsapp", recipient: "+14155550100", profileID: profile), now: now)
        #expect(chat.throttleKey == "profile:\(profile.rawValue)")
    }

    @Test func aWebhookIsCountedAgainstItsHostWhateverThePath() {
        let first = Message(id: .generate(at: now), draft: MessageDraft(channel: "webhook", url: "https://Hooks.Example.test/a?x=1"), now: now)
        let second = Message(id: .generate(at: now), draft: MessageDraft(channel: "webhook", url: "https://hooks.example.test/b"), now: now)
        #expect(first.throttleKey == "host:hooks.example.test")
        #expect(first.throttleKey == second.throttleKey)
    }

    @Test func aMessageWithNeitherIsNotLimited() {
        let chat = Message(id: .generate(at: now), draft: MessageDraft(channel: "whatsapp", recipient: "+14155550100"), now: now)
        #expect(chat.throttleKey == nil)
    }
}
