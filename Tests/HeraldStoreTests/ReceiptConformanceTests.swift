import Foundation
import HeraldCore
import HeraldStore
import HeraldTestSupport
import Testing

/// Provider receipts applied to messages, for every driver.
struct ReceiptConformanceTests {
    typealias Suite = StoreConformanceTests

    /// A WhatsApp message the provider accepted as `providerID`.
    static func sentMessage(_ store: any HeraldStore, providerID: String) async throws -> Message {
        let message = ThrottleConformanceTests.message(profile: .generate(at: Suite.start))
        _ = try await store.enqueue([message])
        let claimed = try #require(try await Suite.claim(store).first { $0.id == message.id })
        #expect(try await Suite.complete(store, claimed, .sent(providerMessageID: providerID)))
        return message
    }

    static func receipt(_ id: String, _ status: Receipt.Status, at seconds: TimeInterval, code: String? = nil) -> Receipt {
        Receipt(channel: "whatsapp", providerMessageID: id, status: status, at: Suite.start.addingTimeInterval(seconds), errorCode: code, errorMessage: code.map { "error \($0)" })
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
}
