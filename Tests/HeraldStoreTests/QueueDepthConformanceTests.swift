import Foundation
import HeraldCore
import HeraldStore
import HeraldStorePostgres
import HeraldTestSupport
import Testing

/// The queue depth the database keeps as statuses change is the count a table scan would give,
/// on every store, through every kind of change; on PostgreSQL it is the same seen from any
/// process, and stays right when a connection that counted goes away.
struct QueueDepthConformanceTests {
    typealias Conformance = StoreConformanceTests

    /// What a scan of the table says, statuses with none left out.
    static func scanned(_ store: any HeraldStore) async throws -> [MessageStatus: Int] {
        var counts = try await store.countByStatus(tenant: nil, kind: .message)
        for (status, count) in try await store.countByStatus(tenant: nil, kind: .event) { counts[status, default: 0] += count }
        return counts
    }

    static func depth(_ store: any HeraldStore) async throws -> [MessageStatus: Int] {
        try await store.queueDepth().filter { $0.value != 0 }
    }

    @Test(arguments: StoreKind.allCases)
    func theKeptCountsMatchAScanThroughEveryChange(kind: StoreKind) async throws {
        try await kind.withStore { (store: any HeraldStore) async throws in
            #expect(try await Self.depth(store).isEmpty)
            let later = Conformance.start.addingTimeInterval(3600)
            let messages = (0..<5).map { _ in Conformance.message() } + [Conformance.message(sendAt: later)]
            _ = try await store.enqueue(messages)
            // A replay of an idempotent message adds nothing.
            let keyed = Conformance.message(key: "once")
            _ = try await store.enqueue([keyed])
            _ = try await store.enqueue([Conformance.message(key: "once")])
            #expect(try await Self.depth(store) == [.queued: 6, .scheduled: 1])

            let claimed = try await Conformance.claim(store, limit: 3)
            #expect(try await Self.depth(store) == [.queued: 3, .scheduled: 1, .sending: 3])
            #expect(try await Conformance.complete(store, claimed[0], .sent(providerMessageID: nil)))
            #expect(try await Conformance.complete(store, claimed[1], .failed(error: "HTTP 410")))
            #expect(try await Conformance.complete(store, claimed[2], .retry(at: later, error: "HTTP 503")))
            _ = try await store.cancel(id: messages[5].id, tenant: nil, now: Conformance.start)
            let expected: [MessageStatus: Int] = [.queued: 4, .sent: 1, .failed: 1, .cancelled: 1]
            #expect(try await Self.depth(store) == expected)
            #expect(try await Self.scanned(store) == expected)
        }
    }

    /// Two stores are two pools of connections, as two `herald serve` processes would have.
    @Test(.enabled(if: PostgresFixture.isEnabled))
    func onPostgresEveryProcessSeesTheSameDepthAndAGoneConnectionsCountsStay() async throws {
        let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await StoreKind.withPostgresStore(schema: schema) { first in
            _ = try await first.enqueue((0..<4).map { _ in Conformance.message() })
            try await StoreKind.withPostgresStore(schema: schema) { second in
                _ = try await second.enqueue((0..<3).map { _ in Conformance.message() })
                let claimed = try await Conformance.claim(second, limit: 2)
                #expect(try await Conformance.complete(second, claimed[0], .sent(providerMessageID: nil)))
                let expected: [MessageStatus: Int] = [.queued: 5, .sending: 1, .sent: 1]
                #expect(try await Self.depth(first) == expected)
                #expect(try await Self.depth(second) == expected)
            }
            // The second pool's connections are closed: what they counted is folded, not lost.
            #expect(try await Self.depth(first) == [.queued: 5, .sending: 1, .sent: 1])
            #expect(try await Self.scanned(first) == [.queued: 5, .sending: 1, .sent: 1])
        }
    }
}
