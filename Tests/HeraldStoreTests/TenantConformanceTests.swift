import Foundation
import HeraldCore
import HeraldStore
import HeraldTestSupport
import Testing

/// Tenants and quotas, for every driver.
struct TenantConformanceTests {
    typealias Suite = StoreConformanceTests

    @Test(arguments: StoreKind.allCases)
    func createsReadsListsAndUpdatesTenants(kind: StoreKind) async throws {
        try await kind.withStore { store in
            var shop = Tenant(id: TenantID("shop-1"), name: "Shop One", quota: Quota(limit: 100, period: .day), createdAt: Suite.start, updatedAt: Suite.start)
            try await store.createTenant(shop)
            try await store.createTenant(Tenant(id: TenantID("a-first"), name: "A", createdAt: Suite.start, updatedAt: Suite.start))
            let duplicate = await #expect(throws: StoreError.self) { try await store.createTenant(shop) }
            #expect(duplicate?.isConflict == true)

            #expect(try await store.tenant(id: shop.id) == shop)
            #expect(try await store.listTenants().map(\.id.rawValue) == ["a-first", "shop-1"])

            shop.disabled = true
            shop.quota = nil
            shop.defaultChannel = "whatsapp"
            shop.name = "Renamed"
            shop.updatedAt = Suite.start.addingTimeInterval(5)
            try await store.updateTenant(shop)
            #expect(try await store.tenant(id: shop.id) == shop)
            let missing = await #expect(throws: StoreError.self) {
                try await store.updateTenant(Tenant(id: TenantID("nobody"), name: "x", createdAt: Suite.start, updatedAt: Suite.start))
            }
            #expect(missing?.isNotFound == true)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func quotaStopsNewMessagesButNotReplays(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let tenant = TenantID("shop-1")
            let quota = Quota(limit: 3, period: .day)
            let keyed = Suite.message(tenant: tenant, key: "k1")
            let first = try await store.enqueue([keyed, Suite.message(tenant: tenant)], quota: quota)
            #expect(first.allSatisfy { if case .created = $0 { true } else { false } })

            // One place left: the first fits, the rest do not, the replay is still answered.
            let second = try await store.enqueue([Suite.message(tenant: tenant), Suite.message(tenant: tenant), keyed], quota: quota)
            guard second.count == 3, case .created = second[0] else {
                Issue.record("unexpected \(second)")
                return
            }
            #expect(second[1] == .quotaExceeded)
            #expect(second[2] == .existing(keyed))

            let dayStart = quota.periodStart(containing: Suite.start)
            #expect(try await store.quotaUsed(tenant: tenant, period: .day, periodStart: dayStart) == 3)
            let monthStart = Quota(limit: 0, period: .month).periodStart(containing: Suite.start)
            #expect(try await store.quotaUsed(tenant: tenant, period: .month, periodStart: monthStart) == 3)
            #expect(try await store.countByStatus(tenant: tenant) == [.queued: 3])

            // The next day starts from zero; another tenant was never limited.
            let tomorrow = Suite.message(tenant: tenant, now: Suite.start.addingTimeInterval(86_400))
            #expect(try await store.enqueue([tomorrow], quota: quota) == [.created(tomorrow)])
            let other = Suite.message(tenant: TenantID("shop-2"))
            #expect(try await store.enqueue([other], quota: quota) == [.created(other)])
        }
    }
}
