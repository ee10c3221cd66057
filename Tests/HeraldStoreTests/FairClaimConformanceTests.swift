import Foundation
import HeraldCore
import HeraldStore
import HeraldTestSupport
import Testing

/// Claims are fair between tenants on every driver: each claim shares its batch between the
/// tenants with due work by weight, holds a tenant to its share of the slots while another
/// competes, takes turns over many tenants, and takes no more of one destination than its room.
struct FairClaimConformanceTests {
    typealias Suite = StoreConformanceTests

    static func message(_ tenant: String, url: String = "http://127.0.0.1:9000/hook", at seconds: TimeInterval = 0) -> Message {
        let now = Suite.start.addingTimeInterval(seconds)
        return Message(
            id: .generate(at: now), draft: MessageDraft(tenantID: TenantID(tenant), channel: "webhook", url: url, content: "x"), now: now
        )
    }

    static func claim(_ store: any HeraldStore, limit: Int, fairness: ClaimFairness = .unbounded) async throws -> [Message] {
        try await store.claim(ClaimParams(
            owner: "o", limit: limit, now: Suite.start.addingTimeInterval(60), leaseDuration: .seconds(30), fairness: fairness
        ))
    }

    static func counts(_ messages: [Message]) -> [String: Int] {
        messages.reduce(into: [:]) { $0[$1.tenantID.rawValue, default: 0] += 1 }
    }

    @Test(arguments: StoreKind.allCases)
    func aBacklogDoesNotKeepAnotherTenantsNewerMessageWaiting(kind: StoreKind) async throws {
        try await kind.withStore { store in
            // A's 200 came first; oldest-first would give A the whole claim.
            _ = try await store.enqueue((0..<200).map { Self.message("a", at: Double($0) / 10) })
            _ = try await store.enqueue((0..<3).map { Self.message("b", at: 30 + Double($0)) })
            let claimed = try await Self.claim(store, limit: 10)
            #expect(Self.counts(claimed) == ["a": 7, "b": 3], "B has 3 due: all of them, A the rest")
            // Within a tenant: oldest first.
            let a = claimed.filter { $0.tenantID.rawValue == "a" }.map(\.createdAt)
            #expect(a == a.sorted() && a.first == Suite.start)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func tenantsShareAClaimByWeight(kind: StoreKind) async throws {
        try await kind.withStore { store in
            var heavy = Tenant(id: TenantID("heavy"), name: "heavy", createdAt: Suite.start, updatedAt: Suite.start)
            heavy.weight = 3
            try await store.createTenant(heavy)
            _ = try await store.enqueue((0..<50).map { Self.message("heavy", at: Double($0)) })
            _ = try await store.enqueue((0..<50).map { Self.message("light", at: Double($0)) })
            #expect(Self.counts(try await Self.claim(store, limit: 20)) == ["heavy": 15, "light": 5])
            #expect(try await store.tenant(id: TenantID("heavy"))?.weight == 3)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aTenantAtItsShareOfTheSlotsWaitsWhileAnotherHasDueWork(kind: StoreKind) async throws {
        try await kind.withStore { store in
            _ = try await store.enqueue((0..<50).map { Self.message("a", at: Double($0)) })
            _ = try await store.enqueue((0..<50).map { Self.message("b", at: Double($0)) })
            // A holds its share (4 of 8 slots) already: B gets the claim, up to its own share.
            let full = ClaimFairness(tenantShare: 4, tenantsInFlight: [TenantID("a"): 4])
            #expect(Self.counts(try await Self.claim(store, limit: 6, fairness: full)) == ["b": 4])
            // One below its share: one more for A.
            let nearly = ClaimFairness(tenantShare: 4, tenantsInFlight: [TenantID("a"): 3, TenantID("b"): 4])
            #expect(Self.counts(try await Self.claim(store, limit: 6, fairness: nearly)) == ["a": 1])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aTenantAloneIsBoundByNothingButTheClaim(kind: StoreKind) async throws {
        try await kind.withStore { store in
            _ = try await store.enqueue((0..<50).map { Self.message("a", at: Double($0)) })
            let full = ClaimFairness(tenantShare: 4, tenantsInFlight: [TenantID("a"): 40])
            #expect(Self.counts(try await Self.claim(store, limit: 10, fairness: full)) == ["a": 10])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func manyTenantsTakeTurns(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let tenants = (0..<5).map { "t\($0)" }
            for tenant in tenants { _ = try await store.enqueue((0..<3).map { Self.message(tenant, at: Double($0)) }) }
            // Two a claim, five tenants: three claims serve every tenant.
            var served: [String] = []
            var rotation = 0
            for _ in 0..<3 {
                let claimed = try await Self.claim(store, limit: 2, fairness: ClaimFairness(rotation: rotation))
                #expect(claimed.count == 2)
                served += claimed.map(\.tenantID.rawValue)
                rotation += Set(claimed.map(\.tenantID)).count + 1
            }
            #expect(Set(served) == Set(tenants), "\(served)")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aClaimTakesNoMoreOfADestinationThanItsRoom(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let slow = "http://127.0.0.1:9001/slow"
            _ = try await store.enqueue((0..<20).map { Self.message("a", url: slow, at: Double($0)) })
            _ = try await store.enqueue((0..<3).map { Self.message("a", url: "http://127.0.0.1:9002/fast", at: 30 + Double($0)) })
            let bounded = ClaimFairness(perDestination: 4, destinationsInFlight: ["http://127.0.0.1:9001": 2])
            let claimed = try await Self.claim(store, limit: 10, fairness: bounded)
            let destinations = claimed.reduce(into: [String: Int]()) { $0[$1.destination ?? "-", default: 0] += 1 }
            #expect(destinations == ["http://127.0.0.1:9001": 2, "http://127.0.0.1:9002": 3], "two more fit beside the two in flight")
            // What was left is still queued, untouched.
            #expect(try await store.countByStatus(tenant: nil)[.queued] == 18)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aDestinationWithNoRoomIsSkippedHoweverManyOfItsMessagesComeFirst(kind: StoreKind) async throws {
        try await kind.withStore { store in
            _ = try await store.enqueue((0..<50).map { Self.message("a", url: "http://127.0.0.1:9001/full", at: Double($0)) })
            _ = try await store.enqueue((0..<2).map { Self.message("a", url: "http://127.0.0.1:9002/open", at: 55 + Double($0)) })
            let full = ClaimFairness(perDestination: 4, destinationsInFlight: ["http://127.0.0.1:9001": 4])
            let claimed = try await Self.claim(store, limit: 2, fairness: full)
            #expect(claimed.map(\.destination) == ["http://127.0.0.1:9002", "http://127.0.0.1:9002"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aDestinationThatFillsUpInAClaimLetsItReachTheTenantsOthers(kind: StoreKind) async throws {
        try await kind.withStore { store in
            _ = try await store.enqueue((0..<50).map { Self.message("a", url: "http://127.0.0.1:9001/busy", at: Double($0)) })
            _ = try await store.enqueue((0..<2).map { Self.message("a", url: "http://127.0.0.1:9002/open", at: 55 + Double($0)) })
            let claimed = try await Self.claim(store, limit: 10, fairness: ClaimFairness(perDestination: 4))
            let destinations = claimed.reduce(into: [String: Int]()) { $0[$1.destination ?? "-", default: 0] += 1 }
            #expect(destinations == ["http://127.0.0.1:9001": 4, "http://127.0.0.1:9002": 2])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aDestinationWithARaisedBoundTakesMoreThanTheBaseBound(kind: StoreKind) async throws {
        try await kind.withStore { store in
            _ = try await store.enqueue((0..<30).map { Self.message("a", url: "http://127.0.0.1:9001/fast", at: Double($0)) })
            _ = try await store.enqueue((0..<30).map { Self.message("a", url: "http://127.0.0.1:9002/slow", at: 40 + Double($0)) })
            // The fast one answers quickly enough for 20 at once, with 5 of them in flight now.
            let fairness = ClaimFairness(
                perDestination: 4, destinationsInFlight: ["http://127.0.0.1:9001": 5], destinationBounds: ["http://127.0.0.1:9001": 20]
            )
            let claimed = try await Self.claim(store, limit: 40, fairness: fairness)
            let destinations = claimed.reduce(into: [String: Int]()) { $0[$1.destination ?? "-", default: 0] += 1 }
            #expect(destinations == ["http://127.0.0.1:9001": 15, "http://127.0.0.1:9002": 4])
        }
    }
}
