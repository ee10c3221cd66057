import AsyncHTTPClient
import Foundation
import HeraldCore
import HeraldSink
import HeraldTestSupport
import NIOCore
import NIOHTTP1
import Testing

extension HeavyLoad {
    /// Three real `herald serve` processes on one PostgreSQL database and one sink: 20,000 messages
    /// accepted through all three, one process killed with -9 mid-delivery, the other two finish
    /// its work; every message arrives, and only messages in flight in the killed process twice.
    @Suite(.enabled(if: PostgresFixture.isEnabled))
    struct ClusterTests {
        typealias Crash = CrashRecoveryTests

        static let total = 20_000
        static let concurrency = 8

        @Test(.timeLimit(.minutes(8)))
        func threeProcessesShareTheWorkAndTakeOverFromAKilledOne() async throws {
            let databaseURL = try await PostgresFixture.databaseURL(schemaPrefix: "cluster")
            // A slow sink keeps delivery going long enough to kill a process in the middle of it.
            try await withSink(secret: Crash.secret, behaviour: .init(delay: .milliseconds(25))) { sinkURL, ledger in
                let environment = [
                    "HERALD_DATABASE_URL": databaseURL,
                    "HERALD_DATABASE_HEARTBEAT_INTERVAL": "500ms",
                    "HERALD_DATABASE_PROCESS_TIMEOUT": "2s",
                    "HERALD_API_KEY": Crash.key,
                    "HERALD_ADMIN_KEY": "cluster-admin-key",
                    "HERALD_WEBHOOK_SECRET": Crash.secret,
                    "HERALD_WEBHOOK_URL": sinkURL,
                    "HERALD_DISPATCH_CONCURRENCY": "\(Self.concurrency)",
                    "HERALD_LEASE_DURATION": "20s",
                    "HERALD_WEBHOOK_TIMEOUT": "5s",
                    "HERALD_RETRY_SCHEDULE": "100ms,200ms,500ms,1s,1s,1s,1s,1s",
                    "HERALD_RETRY_MIN_THROTTLED_DELAY": "0s",
                    // Accept everything first, so the kill surely lands mid-delivery.
                    "HERALD_DISPATCHER_PAUSED": "true",
                ]
                // Started together: the migrations' advisory lock lets exactly one apply them.
                async let a = HeraldProcess(database: nil, environment: environment)
                async let b = HeraldProcess(database: nil, environment: environment)
                async let c = HeraldProcess(database: nil, environment: environment)
                let processes = try await [a, b, c]

                let clock = ContinuousClock()
                let started = clock.now
                let accepted = try await Self.accept(Self.total, ports: processes.map(\.port))
                let ingest = clock.now - started
                let deliveryStarted = clock.now
                #expect(accepted.count == Self.total)
                #expect(Set(accepted).count == Self.total)

                // The pause is stored: resuming through one process resumes them all.
                try await Self.startScheduler(port: processes[0].port)
                let midway = await eventually(timeout: .seconds(120)) { ledger.stats.uniqueDelivered >= Self.total / 3 }
                #expect(midway)
                let (victim, survivors) = (processes[0], Array(processes[1...]))
                victim.kill9()
                let deliveredBeforeKill = ledger.stats.uniqueDelivered
                #expect(deliveredBeforeKill < Self.total, "the kill came after delivery had finished; nothing was tested")

                let all = await eventually(timeout: .seconds(180)) { ledger.stats.uniqueDelivered >= Self.total }
                #expect(all, "sink has \(ledger.stats.uniqueDelivered) of \(Self.total)\n\(survivors[0].log.suffix(2000))")
                let delivery = clock.now - deliveryStarted

                var statuses: [String] = []
                let allSent = try await eventually(timeout: .seconds(60), every: .milliseconds(500)) {
                    statuses = try await Crash.statuses(of: accepted, port: survivors[0].port)
                    return statuses.allSatisfy { $0 == "sent" }
                }
                #expect(allSent, "\(Dictionary(grouping: statuses, by: { $0 }).mapValues(\.count))")

                let deliveries = ledger.deliveries
                #expect(Set(deliveries.keys) == Set(accepted))
                #expect(ledger.stats.invalidSignatures == 0)
                // Only what the killed process had in flight can arrive twice.
                let duplicates = deliveries.values.filter { $0 > 1 }.count
                #expect(duplicates <= Self.concurrency, "\(duplicates) duplicates")
                // A survivor noticed the silence and took the leases over before they expired.
                #expect(survivors.contains { $0.log.contains("processes stopped heartbeating") })
                print(
                    "cluster: \(accepted.count) accepted through 3 processes in \(ingest), "
                        + "\(deliveredBeforeKill) delivered before kill -9 of one, all delivered \(delivery) after the dispatchers started, \(duplicates) delivered twice"
                )

                for survivor in survivors { #expect(await survivor.terminate() == 0) }
            }
        }

        /// Two processes on one database share a destination's rate: each enforces half of it (the
        /// rate ÷ the live processes), so together they deliver at the configured rate — not twice
        /// it, and not half of it.
        @Test(.timeLimit(.minutes(3)))
        func twoProcessesTogetherStayWithinARate() async throws {
            let databaseURL = try await PostgresFixture.databaseURL(schemaPrefix: "rate")
            let total = 200
            try await withSink(secret: Crash.secret) { sinkURL, ledger in
                let environment = [
                    "HERALD_DATABASE_URL": databaseURL,
                    "HERALD_DATABASE_HEARTBEAT_INTERVAL": "200ms",
                    "HERALD_API_KEY": Crash.key,
                    "HERALD_ADMIN_KEY": "cluster-admin-key",
                    "HERALD_WEBHOOK_SECRET": Crash.secret,
                    "HERALD_WEBHOOK_URL": sinkURL,
                    // 20 a second to the sink's host, bursts of 2: 10 a second and 1 at once in each process.
                    "HERALD_WEBHOOK_RATE_LIMITS": "127.0.0.1=20/2",
                    "HERALD_DISPATCHER_PAUSED": "true",
                ]
                async let a = HeraldProcess(database: nil, environment: environment)
                async let b = HeraldProcess(database: nil, environment: environment)
                let processes = try await [a, b]
                let accepted = try await Self.accept(total, ports: processes.map(\.port))
                #expect(accepted.count == total)
                // Both have seen each other's heartbeat before they start.
                try await Task.sleep(for: .seconds(1))
                try await Self.startScheduler(port: processes[1].port)

                let clock = ContinuousClock()
                let started = clock.now
                while ledger.stats.uniqueDelivered < total, clock.now - started < .seconds(60) {
                    try await Task.sleep(for: .milliseconds(100))
                }
                let elapsed = clock.now - started
                #expect(ledger.stats.uniqueDelivered == total)
                // When each send started, as the dispatchers logged it: the rate they kept, free of
                // how late a loaded machine runs the in-process sink.
                var starts: [Date] = []
                for (index, id) in accepted.enumerated() {
                    let (_, log) = try await ProviderChannelsProcessTests.call(.GET, "/api/v1/messages/\(id)/attempts", port: processes[index % 2].port, key: Crash.key)
                    starts += (log["attempts"]?.arrayValue ?? []).filter { $0["outcome"] == .string("sent") }
                        .compactMap { $0["started_at"]?.stringValue.flatMap(Timestamp.parse) }
                }
                starts.sort()
                #expect(starts.count == total)
                /// The most sends that started within any `window`.
                func busiest(_ window: TimeInterval) -> Int {
                    var most = 0
                    var first = 0
                    for last in starts.indices {
                        while starts[last].timeIntervalSince(starts[first]) > window { first += 1 }
                        most = max(most, last - first + 1)
                    }
                    return most
                }
                print("rate: \(total) messages at 20/s across 2 processes in \(elapsed); busiest second \(busiest(1)), busiest two seconds \(busiest(2))")
                #expect(elapsed >= .seconds(8), "faster than 20 a second: each process took the whole rate")
                // Ideally 10 s; a process that claims a message the other put back takes it from its
                // own bucket, behind its own waiting messages, which costs some throughput (measured 15 s).
                #expect(elapsed <= .seconds(30), "much slower than 20 a second")
                // 20 a second with a burst of 1 in each process: at most 42 sends start within two
                // seconds; each process taking the whole rate would start 80.
                #expect(busiest(2) <= 50, "well over 20 a second")
                for process in processes { #expect(await process.terminate() == 0) }
            }
        }

        /// Resumes the server-wide dispatching (the admin key), through the process on `port`.
        static func startScheduler(port: Int) async throws {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/scheduler/start")
            request.method = .POST
            request.headers.add(name: "authorization", value: "Bearer cluster-admin-key")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            guard response.status == .ok else { throw ProcessFailure(message: "scheduler/start answered \(response.status)") }
        }

        /// Posts `count` messages with 24 concurrent clients spread over `ports`; returns the accepted ids.
        static func accept(_ count: Int, ports: [Int]) async throws -> [String] {
            let workers = 24
            return try await withThrowingTaskGroup(of: [String].self) { group in
                for worker in 0..<workers {
                    group.addTask {
                        let port = ports[worker % ports.count]
                        var ids: [String] = []
                        for index in stride(from: worker, to: count, by: workers) {
                            ids.append(try await Crash.accept(index: index, port: port))
                        }
                        return ids
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
        }
    }
}
