import Foundation
import HeraldCore
import HeraldStore
import HeraldStoreSQLite
import HeraldTestSupport
import Testing

/// Stored pauses of dispatching on every driver, and claims that honour them.
struct PauseConformanceTests {
    typealias Suite = StoreConformanceTests

    @Test(arguments: StoreKind.allCases)
    func pausesAreStoredPerScopeAndChangeOnce(kind: StoreKind) async throws {
        try await kind.withStore { (store: any HeraldStore) async throws in
            let acme = PauseScope.tenant(TenantID("acme"))
            let other = PauseScope.tenant(TenantID("other"))
            let now = Suite.start
            #expect(try await store.dispatchPauses() == DispatchPauses())
            #expect(try await store.setPaused(true, scope: acme, now: now))
            #expect(try await store.setPaused(true, scope: acme, now: now) == false)
            #expect(try await store.setPaused(true, scope: .server, now: now))
            #expect(try await store.dispatchPauses() == DispatchPauses(server: true, tenants: [TenantID("acme")]))
            #expect(try await store.setPaused(false, scope: .server, now: now))
            #expect(try await store.setPaused(false, scope: .server, now: now) == false)
            #expect(try await store.setPaused(false, scope: other, now: now) == false)
            #expect(try await store.dispatchPauses() == DispatchPauses(server: false, tenants: [TenantID("acme")]))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func claimsLeaveOutExcludedTenantsAndCanTakeOnlyOne(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let paused = Suite.message(tenant: TenantID("paused"))
            let other = Suite.message(tenant: TenantID("other"))
            let mine = Suite.message(tenant: TenantID("mine"))
            _ = try await store.enqueue([paused])
            _ = try await store.enqueue([other])
            _ = try await store.enqueue([mine])
            let lease = Suite.lease
            let excluding = ClaimParams(owner: "a", limit: 10, now: Suite.start, leaseDuration: lease, excludedTenants: [TenantID("paused")])
            #expect(Set(try await store.claim(excluding).map(\.id)) == [other.id, mine.id])

            // Later, every lease has expired: an expired lease of a paused tenant is left out too.
            let later = Suite.start.addingTimeInterval(60)
            let onlyMine = ClaimParams(owner: "b", limit: 10, now: later, leaseDuration: lease, onlyTenant: TenantID("mine"))
            #expect(try await store.claim(onlyMine).map(\.id) == [mine.id])
            let stillPaused = ClaimParams(owner: "c", limit: 10, now: later, leaseDuration: lease, excludedTenants: [TenantID("paused")])
            #expect(try await store.claim(stillPaused).map(\.id) == [other.id])
            #expect(try await store.claim(ClaimParams(owner: "d", limit: 10, now: later, leaseDuration: lease)).map(\.id) == [paused.id])
        }
    }

    @Test func aSQLitePauseOutlastsReopeningTheFile() async throws {
        let path = try TemporaryDirectory.make().appendingPathComponent("herald.sqlite").path
        do {
            let store = try SQLiteStore(configuration: .init(path: path))
            try store.migrate()
            #expect(try await store.setPaused(true, scope: .server, now: Suite.start))
        }
        let reopened = try SQLiteStore(configuration: .init(path: path))
        try reopened.migrate()
        #expect(try await reopened.dispatchPauses().server)
    }

    /// Two processes on one PostgreSQL database: a pause made through one is seen by the other's
    /// directory within its time to live.
    @Test(.enabled(if: PostgresFixture.isEnabled))
    func aPostgresPauseHoldsInEveryProcess() async throws {
        let schema = "p_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await StoreKind.withPostgresStore(schema: schema) { first in
            try await StoreKind.withPostgresStore(schema: schema) { second in
                let here = PauseDirectory(store: first, ttl: .milliseconds(100))
                let there = PauseDirectory(store: second, ttl: .milliseconds(100))
                #expect(try await there.current().holds(TenantID("acme")) == false)
                #expect(try await here.set(true, scope: .tenant(TenantID("acme")), now: Suite.start))
                #expect(try await here.current().holds(TenantID("acme")))
                let seen = try await eventually(timeout: .seconds(5)) { try await there.current().holds(TenantID("acme")) }
                #expect(seen)
                #expect(try await there.set(false, scope: .tenant(TenantID("acme")), now: Suite.start))
                let resumed = try await eventually(timeout: .seconds(5)) { try await here.current().holds(TenantID("acme")) == false }
                #expect(resumed)
            }
        }
    }
}
