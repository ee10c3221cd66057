import Foundation
import HeraldCore
import HeraldStore
import Synchronization
import Testing

/// The directory of tenants taking events: one read per moment, and the last read kept when
/// the database does not answer.
struct TenantDeliveryDirectoryTests {
    /// The in-memory store, counting tenant-list reads, which can be told to fail.
    final class CountingTenants: TenantStore {
        let store = InMemoryStore()
        let reads = Atomic(0)
        let failing = Atomic(false)
        struct Unavailable: Error {}

        func listTenants() async throws -> [Tenant] {
            reads.add(1, ordering: .relaxed)
            if failing.load(ordering: .relaxed) { throw Unavailable() }
            return try await store.listTenants()
        }
        func createTenant(_ tenant: Tenant) async throws { try await store.createTenant(tenant) }
        func tenant(id: TenantID) async throws -> Tenant? { try await store.tenant(id: id) }
        func updateTenant(_ tenant: Tenant) async throws { try await store.updateTenant(tenant) }
        func apiKeys(tenant: TenantID) async throws -> [StoredAPIKey] { try await store.apiKeys(tenant: tenant) }
        func revokeAPIKey(id: String, tenant: TenantID, now: Date) async throws -> Bool { try await store.revokeAPIKey(id: id, tenant: tenant, now: now) }
        func quotaUsed(tenant: TenantID, period: Quota.Period, periodStart: Date) async throws -> Int {
            try await store.quotaUsed(tenant: tenant, period: period, periodStart: periodStart)
        }
    }

    @Test func readsOncePerMomentRereadsWhenToldAndKeepsTheLastReadWhenTheStoreFails() async throws {
        let tenants = CountingTenants()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var shop = Tenant(id: TenantID("shop"), name: "Shop", createdAt: now, updatedAt: now)
        _ = shop.setEventsURL("https://shop.test/events")
        try await tenants.createTenant(shop)
        try await tenants.createTenant(Tenant(id: TenantID("quiet"), name: "Quiet", createdAt: now, updatedAt: now))
        let directory = TenantDeliveryDirectory(store: tenants, ttl: .seconds(3600))

        for _ in 0..<100 { #expect(try await directory.subscriptions().urls == [TenantID("shop"): "https://shop.test/events"]) }
        #expect(try await directory.endpoint(for: TenantID("shop"), at: now)?.secrets == [shop.eventsSecret!])
        #expect(try await directory.endpoint(for: TenantID("quiet"), at: now) == nil)
        #expect(tenants.reads.load(ordering: .relaxed) == 1)

        shop.eventsURL = "https://shop.test/v2"
        try await tenants.updateTenant(shop)
        directory.invalidate()
        #expect(try await directory.subscriptions().urls[TenantID("shop")] == "https://shop.test/v2")
        #expect(tenants.reads.load(ordering: .relaxed) == 2)

        tenants.failing.store(true, ordering: .relaxed)
        directory.invalidate()
        #expect(try await directory.subscriptions().urls[TenantID("shop")] == "https://shop.test/v2")
        #expect(tenants.reads.load(ordering: .relaxed) == 3)

        // Never read: nothing to fall back on.
        let fresh = TenantDeliveryDirectory(store: tenants)
        await #expect(throws: CountingTenants.Unavailable.self) { try await fresh.subscriptions() }
    }
}
