import Foundation
import HeraldCore
import HeraldStore
import HeraldTestSupport
import Testing

/// Claims that leave throttled keys out, deferrals that are not attempts, and recipient
/// spacing, for every driver.
struct ThrottleConformanceTests {
    typealias Suite = StoreConformanceTests

    static func message(profile: ProfileID, now: Date = Suite.start, recipient: String = "+14155550100") -> Message {
        Message(
            id: .generate(at: now),
            draft: MessageDraft(channel: "whatsapp", recipient: recipient, content: "hi", profileID: profile),
            now: now
        )
    }

    @Test(arguments: StoreKind.allCases)
    func aClaimLeavesOutExcludedKeysButNotMessagesHoldingTheirTurn(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let slow = ProfileID.generate(at: Suite.start)
            let fast = ProfileID.generate(at: Suite.start)
            let waiting = Self.message(profile: slow)
            let other = Self.message(profile: fast)
            let plain = Suite.message()
            _ = try await store.enqueue([waiting, other, plain])
            let excluded = [Message.profileThrottleKey(slow)]
            let claimed = try await store.claim(ClaimParams(owner: "a", limit: 10, now: Suite.start, leaseDuration: Suite.lease, excludedKeys: excluded))
            #expect(Set(claimed.map(\.id)) == [other.id, plain.id])

            // Without the exclusion it is claimed; put back for a rate limit, it holds its turn.
            let taken = try #require(try await store.claim(ClaimParams(owner: "a", limit: 10, now: Suite.start, leaseDuration: Suite.lease)).first)
            #expect(taken.id == waiting.id)
            let turn = Suite.start.addingTimeInterval(2)
            #expect(try await Suite.complete(store, taken, .deferred(until: turn)))
            let stored = try #require(try await store.message(id: waiting.id, tenant: nil))
            #expect(stored.status == .queued)
            #expect(stored.notBefore == turn)
            #expect(stored.nextAttemptAt == turn)
            #expect(stored.attempts == 0)
            #expect(try await store.attempts(messageID: waiting.id).isEmpty, "a deferral is not an attempt")

            #expect(try await store.claim(ClaimParams(owner: "a", limit: 10, now: Suite.start.addingTimeInterval(1), leaseDuration: Suite.lease)).isEmpty)
            let back = try await store.claim(ClaimParams(owner: "a", limit: 10, now: turn, leaseDuration: Suite.lease, excludedKeys: excluded))
            #expect(back.map(\.id) == [waiting.id], "a message holding its turn is claimed even while its key is left out")
            #expect(try await Suite.complete(store, back[0], .sent(providerMessageID: "wamid.9"), at: turn))
            let sent = try #require(try await store.message(id: waiting.id, tenant: nil))
            #expect(sent.attempts == 1)
            #expect(sent.notBefore == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aDeferralKeepsTheThrottlesAndTheLastError(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let message = Self.message(profile: .generate(at: Suite.start))
            _ = try await store.enqueue([message])
            let claimed = try #require(try await Suite.claim(store).first)
            let later = Suite.start.addingTimeInterval(5)
            #expect(try await Suite.complete(store, claimed, .throttled(at: later, error: "WhatsApp error 130429")))
            let again = try #require(try await Suite.claim(store, at: later).first)
            #expect(try await Suite.complete(store, again, .deferred(until: later.addingTimeInterval(1)), at: later))
            let stored = try #require(try await store.message(id: message.id, tenant: nil))
            #expect(stored.throttles == 1)
            #expect(stored.lastError == "WhatsApp error 130429")
            #expect(stored.attempts == 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func recipientSpacingAllowsABurstThenOnePerInterval(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let pair = RecipientPacing(key: "whatsapp:1065|+14155550100", interval: .seconds(6), burst: 3)
            let other = RecipientPacing(key: "whatsapp:1065|+14155550199", interval: .seconds(6), burst: 3)
            let now = Suite.start
            let slots = try await store.reservePacing([pair, pair, other, pair, pair], now: now)
            #expect(slots == [now, now, now, now, now.addingTimeInterval(6)])
            // Reserved in the database: a later call (another process) sees them.
            let next = try await store.reservePacing([pair], now: now.addingTimeInterval(1))
            #expect(next == [now.addingTimeInterval(12)])
            // Once the spacing has passed, the burst is back.
            let later = now.addingTimeInterval(3600)
            #expect(try await store.reservePacing([pair, pair, pair], now: later) == [later, later, later])
        }
    }
}
