import Foundation
import HeraldCore
import HeraldStore
import HeraldStorePostgres
import HeraldTestSupport
import Logging
import Synchronization
import Testing

/// What only the PostgreSQL driver does: several processes on one database.
@Suite(.enabled(if: PostgresFixture.isEnabled), .serialized)
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
        let cluster = try await PostgresCluster.started()
        // Long enough for a fresh cluster's first connection on a loaded machine; calls during
        // the outage still end in an error within it, never a hang.
        try await Self.withStores(1, url: cluster.url, acquireTimeout: .seconds(5)) { stores in
            let store = stores[0]
            let before = Suite.message()
            _ = try await store.enqueue([before])

            await cluster.stop()
            let error = await #expect(throws: StoreError.self) { try await store.enqueue([Suite.message()]) }
            #expect(error?.isUnavailable == true)

            try await cluster.restart()
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
        let cluster = try await PostgresCluster.started()
        try await Self.withStores(1, url: cluster.url, acquireTimeout: .seconds(5)) { stores in
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
                    await cluster.stop()
                    try await Task.sleep(for: .milliseconds(400))
                    try await cluster.restart()
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

    @Test func postgreSQLErrorsAreTranslatedByTheirSQLSTATEClass() async throws {
        try await Self.withStores(1) { stores in
            let store = stores[0]
            let message = Suite.message()
            _ = try await store.enqueue([message])
            // The same id again (no idempotency key to answer it with): a unique violation, class 23.
            let conflict = await #expect(throws: StoreError.self) { try await store.enqueue([message]) }
            #expect(conflict?.isConflict == true, "\(String(describing: conflict))")
            // A NUL in text, class 22.
            var nul = Suite.message()
            nul.content = "a\u{0}b"
            let invalid = await #expect(throws: StoreError.self) { try await store.enqueue([nul]) }
            #expect(invalid?.isInvalidData == true, "\(String(describing: invalid))")
            // Neither is the database being unavailable: it keeps answering.
            #expect(try await store.message(id: message.id, tenant: nil) == message)
        }
    }

    @Test func aResultPostgreSQLRefusesIsSplitOffAndTheRestOfItsGroupCommitIsRecorded() async throws {
        try await Self.withStores(1) { stores in
            let store = stores[0]
            let messages = (0..<20).map { _ in Suite.message() }
            _ = try await store.enqueue(messages)
            let claimed = try await Suite.claim(store, limit: 20)
            #expect(claimed.count == 20)
            let results = await withTaskGroup(of: (MessageID, Result<[Bool], any Error>).self) { group in
                for message in claimed {
                    // One receiver answered with a NUL byte that nothing cleaned: PostgreSQL refuses it (22021).
                    let reason = message.id == claimed[7].id ? "bad\u{0}answer" : "HTTP 503"
                    let completion = Completion(
                        messageID: message.id, lease: message.lease!.token, resolution: .retry(at: Suite.start.addingTimeInterval(60), error: reason),
                        attempt: Suite.attempt(for: message, outcome: .retry, at: Suite.start), now: Suite.start
                    )
                    group.addTask {
                        do { return (message.id, .success(try await store.complete([completion]))) } catch { return (message.id, .failure(error)) }
                    }
                }
                return await group.reduce(into: [MessageID: Result<[Bool], any Error>]()) { $0[$1.0] = $1.1 }
            }
            for (id, result) in results {
                if id == claimed[7].id {
                    let error = #expect(throws: StoreError.self) { try result.get() }
                    #expect(error?.isInvalidData == true, "SQLSTATE class 22 is invalid data")
                    #expect(try await store.message(id: id, tenant: nil)?.status == .sending)
                } else {
                    #expect(try result.get() == [true])
                    #expect(try await store.message(id: id, tenant: nil)?.status == .queued)
                }
            }
        }
    }
}

/// What the workers of ``PostgresStoreTests/noCallHangsWhileTheDatabaseRestarts()`` share.
private final class RestartProgress: Sendable {
    let working = Mutex(true)
    let finished = Mutex(0)
    let calls = Mutex(0)
}
