import Foundation
import HeraldCore
import HeraldStore
import HeraldTestSupport
import Testing

/// Provider receipts applied to messages, for every driver.
struct ReceiptConformanceTests {
    typealias Suite = StoreConformanceTests

    /// The sender profile the suite's messages are sent with, and the receipts verified for.
    static let profile = ProfileID.generate(at: Suite.start)

    /// A WhatsApp message the provider accepted as `providerID`.
    static func sentMessage(_ store: any HeraldStore, providerID: String, profile: ProfileID = profile) async throws -> Message {
        let message = ThrottleConformanceTests.message(profile: profile)
        _ = try await store.enqueue([message])
        let claimed = try #require(try await Suite.claim(store).first { $0.id == message.id })
        #expect(try await Suite.complete(store, claimed, .sent(providerMessageID: providerID)))
        return message
    }

    static func receipt(
        _ id: String, _ status: Receipt.Status, at seconds: TimeInterval, code: String? = nil, profiles: [ProfileID] = [profile]
    ) -> Receipt {
        Receipt(
            channel: "whatsapp", providerMessageID: id, status: status, at: Suite.start.addingTimeInterval(seconds), errorCode: code,
            errorMessage: code.map { "error \($0)" }, sender: "1065", profiles: profiles
        )
    }

    @Test(arguments: StoreKind.allCases)
    func statusMovesOnlyForwardAndTheSameReceiptTwiceChangesNothing(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let message = try await Self.sentMessage(store, providerID: "wamid.A")
            let now = Suite.start.addingTimeInterval(60)
            let results = try await store.applyReceipts([
                Self.receipt("wamid.A", .delivered, at: 10),
                Self.receipt("wamid.A", .delivered, at: 10),
                Self.receipt("wamid.A", .read, at: 20),
            ], now: now)
            #expect(results.map(Self.effect) == [.moved(from: .sent, to: .delivered), .duplicate, .moved(from: .delivered, to: .read)])
            let stored = try #require(try await store.message(id: message.id, tenant: nil))
            #expect(stored.status == .read)
            #expect(stored.deliveredAt == Suite.start.addingTimeInterval(10))
            #expect(stored.readAt == Suite.start.addingTimeInterval(20))
            #expect(stored.receipts.map(\.status) == [.delivered, .read])

            // Out of order: read arrives first; the late delivered is kept but does not move it back.
            let other = try await Self.sentMessage(store, providerID: "wamid.B")
            let late = try await store.applyReceipts([Self.receipt("wamid.B", .read, at: 20), Self.receipt("wamid.B", .delivered, at: 10)], now: now)
            #expect(late.map(Self.effect) == [.moved(from: .sent, to: .read), .recordedLate])
            let reordered = try #require(try await store.message(id: other.id, tenant: nil))
            #expect(reordered.status == .read)
            #expect(reordered.receipts.map(\.status) == [.read, .delivered])
            #expect(reordered.receipts.map(\.applied) == [true, false])
            #expect(try await store.applyReceipts([Self.receipt("wamid.B", .delivered, at: 10)], now: now).map(Self.effect) == [.duplicate])
        }
    }

    static func effect(_ result: ReceiptResult) -> ReceiptEffect? {
        if case .applied(_, let effect) = result { effect } else { nil }
    }

    @Test(arguments: StoreKind.allCases)
    func aFailureAfterDeliveryIsALateFailureWithTheProvidersReason(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let message = try await Self.sentMessage(store, providerID: "SM1")
            _ = try await store.applyReceipts([
                Self.receipt("SM1", .delivered, at: 5),
                Self.receipt("SM1", .failed, at: 9, code: "131026"),
            ], now: Suite.start.addingTimeInterval(30))
            let stored = try #require(try await store.message(id: message.id, tenant: nil))
            #expect(stored.status == .failed)
            #expect(stored.failedAt == Suite.start.addingTimeInterval(9))
            #expect(stored.deliveredAt == Suite.start.addingTimeInterval(5))
            #expect(stored.lastError == "131026: error 131026")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aReceiptBeforeItsMessageIsKnownIsAppliedOnceItIs(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let early = Self.receipt("wamid.EARLY", .delivered, at: 3)
            #expect(try await store.applyReceipts([early], now: Suite.start) == [.pending])
            #expect(try await store.applyPendingReceipts(now: Suite.start, maxAge: .seconds(3600)).applied.isEmpty)

            let message = try await Self.sentMessage(store, providerID: "wamid.EARLY")
            let run = try await store.applyPendingReceipts(now: Suite.start.addingTimeInterval(1), maxAge: .seconds(3600))
            #expect(run.applied.map(\.message.id) == [message.id])
            #expect(try await store.message(id: message.id, tenant: nil)?.status == .delivered)
            // Applied once: it is no longer kept.
            #expect(try await store.applyPendingReceipts(now: Suite.start.addingTimeInterval(2), maxAge: .seconds(3600)).applied.isEmpty)

            // One whose message never becomes known is dropped after the age limit.
            _ = try await store.applyReceipts([Self.receipt("wamid.NEVER", .read, at: 1)], now: Suite.start)
            #expect(try await store.applyPendingReceipts(now: Suite.start.addingTimeInterval(10), maxAge: .seconds(3600)).expired == 0)
            #expect(try await store.applyPendingReceipts(now: Suite.start.addingTimeInterval(3601), maxAge: .seconds(3600)).expired == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aReceiptMovesOnlyAMessageSentWithAProfileItWasVerifiedFor(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let other = ProfileID.generate(at: Suite.start)
            let message = try await Self.sentMessage(store, providerID: "wamid.X", profile: other)
            let elsewhere = Self.receipt("wamid.X", .failed, at: 5, code: "131026")
            #expect(try await store.applyReceipts([elsewhere], now: Suite.start) == [.pending], "verified for another profile: kept, not applied")
            #expect(try await store.applyPendingReceipts(now: Suite.start.addingTimeInterval(1), maxAge: .seconds(3600)).applied.isEmpty)
            #expect(try await store.message(id: message.id, tenant: nil)?.status == .sent)

            let own = Self.receipt("wamid.X", .delivered, at: 6, profiles: [Self.profile, other])
            #expect(try await store.applyReceipts([own], now: Suite.start).map(Self.effect) == [.moved(from: .sent, to: .delivered)])
            // The kept one never applies: it expires with the others.
            #expect(try await store.applyPendingReceipts(now: Suite.start.addingTimeInterval(3601), maxAge: .seconds(3600)).expired == 1)
            #expect(try await store.message(id: message.id, tenant: nil)?.status == .delivered)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aReceiptWaitsWhileItsMessageIsSendingAndIsAppliedAfterTheResult(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let message = try await Self.sentMessage(store, providerID: "wamid.R")
            _ = try await store.applyReceipts([Self.receipt("wamid.R", .failed, at: 2, code: "131000")], now: Suite.start)
            _ = try await store.retry(id: message.id, tenant: nil, now: Suite.start.addingTimeInterval(3))
            let resent = try #require(try await Suite.claim(store, at: Suite.start.addingTimeInterval(4)).first)
            #expect(resent.status == .sending)

            // A late receipt for the earlier send arrives during the new attempt: it must not end it.
            let late = Self.receipt("wamid.R", .delivered, at: 5)
            #expect(try await store.applyReceipts([late], now: Suite.start.addingTimeInterval(5)) == [.pending])
            #expect(try await store.message(id: message.id, tenant: nil)?.status == .sending)
            #expect(try await store.applyPendingReceipts(now: Suite.start.addingTimeInterval(6), maxAge: .seconds(3600)).applied.isEmpty)

            // The attempt's result is recorded; then the receipt follows the life-cycle.
            #expect(try await Suite.complete(store, resent, .sent(providerMessageID: nil), at: Suite.start.addingTimeInterval(7)))
            let run = try await store.applyPendingReceipts(now: Suite.start.addingTimeInterval(8), maxAge: .seconds(3600))
            #expect(run.applied.map(\.effect) == [.moved(from: .sent, to: .delivered)])
            #expect(try await store.message(id: message.id, tenant: nil)?.status == .delivered)
        }
    }
}
