import Foundation
import HeraldCore
import HeraldStore
import HeraldTestSupport
import Testing

/// Every driver counts how many times in a row a message's lease expired with nothing recorded
/// under it (the dispatcher ends such a message `failed` as poison), and starts again at zero
/// when anything is recorded.
struct LeaseExpiryConformanceTests {
    typealias Suite = StoreConformanceTests

    @Test(arguments: StoreKind.allCases)
    func eachClaimOfAnExpiredLeaseCountsAndAnythingRecordedStartsAgain(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let message = Suite.message()
            _ = try await store.enqueue([message])
            var now = Suite.start
            var claimed = try #require(try await Suite.claim(store, owner: "dies", at: now).first)
            #expect(claimed.leaseExpiries == 0, "a first claim is not an expiry")
            for expiry in 1...3 {
                // The holder died: its lease runs out and another claim takes the message.
                now = now.addingTimeInterval(31)
                claimed = try #require(try await Suite.claim(store, owner: "dies", at: now).first)
                #expect(claimed.leaseExpiries == expiry)
                #expect(try await store.message(id: message.id, tenant: nil)?.leaseExpiries == expiry)
            }
            // A result is recorded (here a retry): the count starts again.
            #expect(try await Suite.complete(store, claimed, .retry(at: now, error: "HTTP 503"), at: now))
            #expect(try await store.message(id: message.id, tenant: nil)?.leaseExpiries == 0)
            claimed = try #require(try await Suite.claim(store, owner: "b", at: now).first)
            #expect(claimed.leaseExpiries == 0, "claiming a queued message is not an expiry")

            // A deferral and a returned lease start it again too.
            now = now.addingTimeInterval(31)
            claimed = try #require(try await Suite.claim(store, owner: "c", at: now).first)
            #expect(claimed.leaseExpiries == 1)
            #expect(try await Suite.complete(store, claimed, .deferred(until: now), at: now))
            #expect(try await store.message(id: message.id, tenant: nil)?.leaseExpiries == 0)
            claimed = try #require(try await Suite.claim(store, owner: "d", at: now).first)
            now = now.addingTimeInterval(31)
            claimed = try #require(try await Suite.claim(store, owner: "e", at: now).first)
            #expect(claimed.leaseExpiries == 1)
            #expect(try await store.releaseLeases([message.id: try #require(claimed.lease?.token)], now: now) == 1)
            #expect(try await store.message(id: message.id, tenant: nil)?.leaseExpiries == 0)
        }
    }
}
