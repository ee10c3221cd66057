import Foundation
import HeraldCore
import HeraldStore
import HeraldTestSupport
import Testing

/// Status events stored with the change that raises them, for every driver.
struct EventConformanceTests {
    typealias Suite = StoreConformanceTests

    static let url = "https://app.test/herald-events"
    static let subscribed = EventSubscriptions(urls: [.default: url])

    /// The event types stored so far for the default tenant, oldest first.
    static func eventTypes(_ store: any HeraldStore) async throws -> [String] {
        try await store.listMessages(MessageQuery(tenant: .default, kind: .event)).reversed()
            .map { $0.metadata["type"]?.stringValue ?? "?" }
    }

    @Test(arguments: StoreKind.allCases)
    func aCompletionStoresItsEventOnlyWhenItApplies(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let message = Suite.message()
            _ = try await store.enqueue([message])
            var claimed = try #require(try await Suite.claim(store).first)
            let lease = try #require(claimed.lease?.token)
            claimed.apply(Completion(messageID: message.id, lease: lease, resolution: .sent(providerMessageID: "p-1"), attempt: nil, now: Suite.start))
            let event = try #require(Self.subscribed.statusEvent(for: claimed, now: Suite.start))

            // Another owner's completion does not apply: neither does its event.
            let stale = Completion(messageID: message.id, lease: LeaseToken(owner: "b", version: lease.version), resolution: .sent(providerMessageID: nil), attempt: nil, event: event, now: Suite.start)
            #expect(try await store.complete([stale]) == [false])
            #expect(try await store.listMessages(MessageQuery(tenant: .default, kind: .event)).isEmpty)

            let owned = Completion(messageID: message.id, lease: lease, resolution: .sent(providerMessageID: "p-1"), attempt: nil, event: event, now: Suite.start)
            #expect(try await store.complete([owned]) == [true])
            let stored = try #require(try await store.message(id: event.id, tenant: .default))
            #expect(stored == event)
            #expect(stored.kind == .event)
            #expect(stored.channel == MessageEvent.channel)
            let data = try #require(stored.payload?.objectValue?["data"]?.objectValue)
            #expect(stored.payload?.objectValue?["type"] == .string("message.sent"))
            #expect(data["id"] == .string(message.id.rawValue))
            #expect(data["provider_message_id"] == .string("p-1"))
            #expect(data["status"] == .string("sent"))

            // Left out of the clients' lists and counts; there when asked for.
            #expect(try await store.listMessages(MessageQuery(tenant: .default)).map(\.id) == [message.id])
            #expect(try await store.countByStatus(tenant: .default) == [.sent: 1])
            #expect(try await store.countByStatus(tenant: nil, kind: .event) == [.queued: 1])
            // And dispatched like any message.
            let next = try await Suite.claim(store, owner: "c", at: Suite.start.addingTimeInterval(1))
            #expect(next.map(\.id) == [event.id])
            #expect(next.first?.kind == .event)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func receiptsRaiseAnEventForEachMoveAndNoneForLateOrRepeatedOnes(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let message = try await ReceiptConformanceTests.sentMessage(store, providerID: "wamid.EV")
            let now = Suite.start.addingTimeInterval(60)
            _ = try await store.applyReceipts([
                ReceiptConformanceTests.receipt("wamid.EV", .read, at: 20),
                ReceiptConformanceTests.receipt("wamid.EV", .read, at: 20),
                ReceiptConformanceTests.receipt("wamid.EV", .delivered, at: 10),
            ], now: now, events: Self.subscribed)
            #expect(try await Self.eventTypes(store) == ["message.read"])
            let event = try #require(try await store.listMessages(MessageQuery(tenant: .default, kind: .event)).first)
            #expect(event.metadata["message_id"] == .string(message.id.rawValue))
            let receipt = try #require(event.payload?.objectValue?["data"]?.objectValue?["receipt"]?.objectValue)
            #expect(receipt["status"] == .string("read"))

            // A tenant that takes no events gets none.
            let quiet = try await ReceiptConformanceTests.sentMessage(store, providerID: "wamid.QUIET")
            _ = try await store.applyReceipts([ReceiptConformanceTests.receipt("wamid.QUIET", .delivered, at: 5)], now: now, events: .none)
            #expect(try await store.message(id: quiet.id, tenant: nil)?.status == .delivered)
            #expect(try await Self.eventTypes(store) == ["message.read"])

            // A receipt kept until its message is known raises its event when applied.
            _ = try await store.applyReceipts([ReceiptConformanceTests.receipt("wamid.LATER", .failed, at: 3, code: "131026")], now: now, events: Self.subscribed)
            _ = try await ReceiptConformanceTests.sentMessage(store, providerID: "wamid.LATER")
            let run = try await store.applyPendingReceipts(now: now.addingTimeInterval(1), maxAge: .seconds(3600), events: Self.subscribed)
            #expect(run.applied.count == 1)
            #expect(try await Self.eventTypes(store) == ["message.read", "message.failed"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func eventsUseNoQuotaAndARepeatedOneIsStoredOnce(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let quota = Quota(limit: 1, period: .day)
            let first = try await store.enqueue([Suite.message()], quota: quota)
            #expect(first.count == 1)
            let received = MessageEvent.make(
                .received, tenant: .default, url: Self.url, data: ["from": .string("31611111111")],
                idempotencyKey: "whatsapp-received:wamid.IN", now: Suite.start
            )
            #expect(try await store.enqueue([received]) == [.created(received)])
            let again = MessageEvent.make(
                .received, tenant: .default, url: Self.url, data: ["from": .string("31611111111")],
                idempotencyKey: "whatsapp-received:wamid.IN", now: Suite.start
            )
            #expect(try await store.enqueue([again]) == [.existing(received)])
            let start = quota.periodStart(containing: Suite.start)
            #expect(try await store.quotaUsed(tenant: .default, period: .day, periodStart: start) == 1)
            // The quota has room for nothing more of the client's, events aside.
            #expect(try await store.enqueue([Suite.message()], quota: quota) == [.quotaExceeded])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aTenantKeepsItsEventsURLAndSecrets(kind: StoreKind) async throws {
        try await kind.withStore { store in
            var tenant = Tenant(id: TenantID("shop-ev"), name: "Shop", createdAt: Suite.start, updatedAt: Suite.start)
            let made = tenant.setEventsURL(Self.url)
            let first = try #require(made)
            try await store.createTenant(tenant)
            #expect(try await store.tenant(id: tenant.id) == tenant)

            let second = tenant.rotateEventsSecret(at: Suite.start)
            try await store.updateTenant(tenant)
            let read = try #require(try await store.tenant(id: tenant.id))
            #expect(read == tenant)
            #expect(read.eventEndpoint(at: Suite.start)?.secrets == [second, first])
            // A day later the old secret signs no more.
            #expect(read.eventEndpoint(at: Suite.start.addingTimeInterval(86_401))?.secrets == [second])
            #expect(read.eventEndpoint(at: Suite.start)?.url == Self.url)
        }
    }
}
