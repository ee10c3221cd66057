import Foundation
import HeraldCore
import HeraldStore
import HeraldStorePostgres
import HeraldTestSupport
import Logging
import Synchronization
import Testing

/// What only the PostgreSQL driver does: several processes on one database.
@Suite(.enabled(if: PostgresFixture.isEnabled))
struct PostgresStoreTests {
    typealias Suite = StoreConformanceTests

    static let logger = Logger(label: "test.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Runs `body` with `count` stores on one schema, as `count` processes would have.
    static func withStores<T: Sendable>(
        _ count: Int,
        url: String? = nil,
        acquireTimeout: Duration = .seconds(5),
        migrate: Bool = true,
        _ body: @Sendable ([PostgresStore]) async throws -> T
    ) async throws -> T {
        let serverURL: String
        if let url { serverURL = url } else { serverURL = try await PostgresFixture.serverURL() }
        var configuration = try PostgresConfiguration(url: serverURL)
        configuration.schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        configuration.maxConnections = 6
        configuration.acquireTimeout = acquireTimeout
        let stores = (0..<count).map { _ in PostgresStore(configuration: configuration, logger: logger) }
        return try await withThrowingTaskGroup(of: T?.self) { group in
            for store in stores {
                group.addTask {
                    await store.run()
                    return nil
                }
            }
            defer { group.cancelAll() }
            if migrate { try await stores[0].migrate() }
            return try await body(stores)
        }
    }

    @Test func processesStartingTogetherMigrateOnce() async throws {
        try await Self.withStores(4, migrate: false) { stores in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for store in stores { group.addTask { try await store.migrate() } }
                try await group.waitForAll()
            }
            // Every process sees the whole schema; migrating again changes nothing.
            try await stores[3].migrate()
            let message = Suite.message()
            #expect(try await stores[1].enqueue([message]) == [.created(message)])
            #expect(try await stores[2].message(id: message.id, tenant: nil) == message)
        }
    }

    @Test func aMessageAcceptedByOneProcessWakesAnother() async throws {
        try await Self.withStores(2) { stores in
            let (sender, idle) = (stores[0], stores[1])
            #expect(await eventually(timeout: .seconds(10)) { idle.isListeningForWork })
            // Drain the wake-up every (re)connect gives.
            await idle.workSignal.wait(timeout: .milliseconds(200))

            let message = Suite.message()
            _ = try await sender.enqueue([message])
            let clock = ContinuousClock()
            let waited = await clock.measure { await idle.workSignal.wait(timeout: .seconds(20)) }
            #expect(waited < .seconds(10), "the idle process was not notified; it waited for its timeout")
            #expect(try await Suite.claim(idle).map(\.id) == [message.id])
        }
    }

    @Test func claimersInSeveralProcessesNeverShareAMessage() async throws {
        try await Self.withStores(3) { stores in
            let messages = (0..<600).map { _ in Suite.message() }
            _ = try await stores[0].enqueue(messages)
            let claimed = try await withThrowingTaskGroup(of: [MessageID].self) { group in
                for (index, store) in stores.enumerated() {
                    for worker in 0..<3 {
                        group.addTask {
                            var mine: [MessageID] = []
                            while true {
                                let batch = try await Suite.claim(store, owner: "p\(index)w\(worker)", limit: 13)
                                if batch.isEmpty { return mine }
                                mine += batch.map(\.id)
                            }
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(claimed.count == messages.count)
            #expect(Set(claimed) == Set(messages.map(\.id)))
        }
    }

    @Test func quotaHoldsAcrossProcessesEnqueueingAtOnce() async throws {
        try await Self.withStores(3) { stores in
            let tenant = TenantID("shop-1")
            let quota = Quota(limit: 50, period: .day)
            let results = try await withThrowingTaskGroup(of: [EnqueueResult].self) { group in
                for store in stores {
                    for _ in 0..<10 {
                        group.addTask { try await store.enqueue((0..<4).map { _ in Suite.message(tenant: tenant) }, quota: quota) }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let created = results.filter { if case .created = $0 { true } else { false } }.count
            #expect(created == 50)
            #expect(results.count - created == 70)
            let dayStart = quota.periodStart(containing: Suite.start)
            #expect(try await stores[1].quotaUsed(tenant: tenant, period: .day, periodStart: dayStart) == 50)
            #expect(try await stores[2].countByStatus(tenant: tenant) == [.queued: 50])
        }
    }

    @Test func aGoneProcessesLeasesAreTakenOverWithoutWaitingForThem() async throws {
        try await Self.withStores(2) { stores in
            let message = Suite.message()
            _ = try await stores[0].enqueue([message])
            // "dead" leased it for a long time, heartbeated once long ago, and went silent.
            let leased = try await stores[0].claim(ClaimParams(owner: "dead", limit: 1, now: Suite.start, leaseDuration: .seconds(3600)))
            #expect(leased.map(\.id) == [message.id])
            let dead = PostgresProcessRegistry(
                store: stores[0], processID: "dead", host: "gone", pid: 1, interval: .seconds(1), timeout: .seconds(2), logger: Self.logger
            )
            await dead.beat()
            try await Task.sleep(for: .milliseconds(2100))

            let survivor = PostgresProcessRegistry(
                store: stores[1], processID: "survivor", host: "here", pid: 2, interval: .seconds(1), timeout: .seconds(2), logger: Self.logger
            )
            await survivor.beat()
            #expect(survivor.liveProcessCount == 1)
            let rescued = try await stores[1].claim(ClaimParams(owner: "survivor", limit: 10, now: Suite.start, leaseDuration: .seconds(30)))
            #expect(rescued.map(\.id) == [message.id])
            #expect(rescued.first?.lease?.owner == "survivor")
        }
    }

    @Test func anUnreachableDatabaseIsUnavailableNotAHang() async throws {
        // A port nothing listens on.
        let url = "postgres://herald@127.0.0.1:1/postgres?sslmode=disable"
        try await Self.withStores(1, url: url, acquireTimeout: .seconds(1), migrate: false) { stores in
            let error = await #expect(throws: StoreError.self) { try await stores[0].enqueue([Suite.message()]) }
            #expect(error?.isUnavailable == true)
            let pingError = await #expect(throws: StoreError.self) { try await stores[0].ping() }
            #expect(pingError?.isUnavailable == true)
        }
    }

    @Test(.enabled(if: PostgresFixture.canStartClusters, "stops and restarts a cluster of its own"))
    func aRestartedDatabaseLosesNothingAccepted() async throws {
        let cluster = try PostgresCluster()
        // Long enough for a fresh cluster's first connection on a loaded machine; calls during
        // the outage still end in an error within it, never a hang.
        try await Self.withStores(1, url: cluster.url, acquireTimeout: .seconds(3)) { stores in
            let store = stores[0]
            let before = Suite.message()
            _ = try await store.enqueue([before])

            cluster.stop()
            let error = await #expect(throws: StoreError.self) { try await store.enqueue([Suite.message()]) }
            #expect(error?.isUnavailable == true)

            try cluster.start()
            let after = Suite.message()
            #expect(await eventually(timeout: .seconds(20), every: .milliseconds(100)) {
                (try? await store.enqueue([after])) == [.created(after)]
            })
            #expect(try await store.message(id: before.id, tenant: nil) == before)
            #expect(try await store.message(id: after.id, tenant: nil) == after)
            #expect(try await store.countByStatus(tenant: nil) == [.queued: 2])
        }
    }
    /// Statements racing a restart must each end, with a result or an error: a statement sent on a
    /// connection the server had just closed used to wait forever, and with it the group commit
    /// and the dispatcher behind it.
    @Test(.enabled(if: PostgresFixture.canStartClusters, "stops and restarts a cluster of its own"))
    func noCallHangsWhileTheDatabaseRestarts() async throws {
        let cluster = try PostgresCluster()
        try await Self.withStores(1, url: cluster.url, acquireTimeout: .seconds(3)) { stores in
            let store = stores[0]
            let progress = RestartProgress()
            let workers = 8
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<workers {
                    group.addTask {
                        defer { progress.finished.withLock { $0 += 1 } }
                        while progress.working.withLock({ $0 }) {
                            switch worker % 3 {
                            case 0: _ = try? await store.enqueue([Suite.message()])
                            case 1: _ = try? await store.claim(ClaimParams(owner: "w\(worker)", limit: 5, now: Suite.start, leaseDuration: .seconds(60)))
                            default: try? await store.ping()
                            }
                            progress.calls.withLock { $0 += 1 }
                        }
                    }
                }
                for _ in 0..<3 {
                    try await Task.sleep(for: .milliseconds(400))
                    cluster.stop()
                    try await Task.sleep(for: .milliseconds(400))
                    try cluster.start()
                }
                try await Task.sleep(for: .milliseconds(400))
                progress.working.withLock { $0 = false }
                // Every call returns within the connection wait (1 s) plus the statement itself.
                #expect(await eventually(timeout: .seconds(20)) { progress.finished.withLock { $0 } == workers })
                try await group.waitForAll()
            }
            #expect(progress.calls.withLock { $0 } > workers)
            let after = Suite.message()
            #expect(await eventually(timeout: .seconds(20), every: .milliseconds(100)) {
                (try? await store.enqueue([after])) == [.created(after)]
            })
        }
    }
}

/// What the workers of ``PostgresStoreTests/noCallHangsWhileTheDatabaseRestarts()`` share.
private final class RestartProgress: Sendable {
    let working = Mutex(true)
    let finished = Mutex(0)
    let calls = Mutex(0)
}
