import Foundation
import HeraldCore
import HeraldSink
import HeraldTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A server frozen (`SIGSTOP`) with sends in flight, past its lease: another server on the same
/// PostgreSQL database takes the messages over and completes them; when the frozen one wakes
/// (`SIGCONT`) its late results are refused — fenced leases on real processes.
@Suite(.enabled(if: PostgresFixture.isEnabled))
struct StalledProcessTests {
    typealias Crash = CrashRecoveryTests

    @Test(.timeLimit(.minutes(3)))
    func aFrozenProcessesLateResultsAreRefused() async throws {
        let databaseURL = try await PostgresFixture.databaseURL(schemaPrefix: "stall")
        // Each answer takes a while, so the frozen process surely has sends in flight.
        try await withSink(secret: Crash.secret, behaviour: .init(delay: .milliseconds(800))) { sinkURL, ledger in
            let environment = [
                "HERALD_DATABASE_URL": databaseURL, "HERALD_DATABASE_HEARTBEAT_INTERVAL": "200ms", "HERALD_DATABASE_PROCESS_TIMEOUT": "1s",
                "HERALD_API_KEY": Crash.key, "HERALD_WEBHOOK_SECRET": Crash.secret, "HERALD_WEBHOOK_URL": sinkURL,
                "HERALD_DISPATCH_CONCURRENCY": "4", "HERALD_LEASE_DURATION": "4s", "HERALD_WEBHOOK_TIMEOUT": "2500ms", "HERALD_WHATSAPP_TIMEOUT": "1s",
                "HERALD_TWILIO_TIMEOUT": "1s", "HERALD_BOTSERVER_TIMEOUT": "1s",
                // A send that timed out on a loaded machine is retried soon, not on the default schedule.
                "HERALD_RETRY_SCHEDULE": "200ms,500ms,1s,1s,1s,1s,1s,1s", "HERALD_RETRY_MIN_THROTTLED_DELAY": "0s",
            ]
            let frozen = try await HeraldProcess(database: nil, environment: environment)
            // Whatever happens below, never leave a frozen process behind.
            defer {
                if frozen.process.isRunning {
                    kill(frozen.process.processIdentifier, SIGCONT)
                    frozen.kill9()
                }
            }
            let accepted = try await HeavyLoad.ClusterTests.accept(12, ports: [frozen.port])
            let inFlight = await eventually(timeout: .seconds(30), every: .milliseconds(10)) { ledger.stats.received >= 1 }
            #expect(inFlight)
            kill(frozen.process.processIdentifier, SIGSTOP)
            let other = try await HeraldProcess(database: nil, environment: environment)
            let delivered = await eventually(timeout: .seconds(60), every: .milliseconds(100)) { ledger.stats.uniqueDelivered == accepted.count }
            #expect(delivered, "\(ledger.stats)")
            kill(frozen.process.processIdentifier, SIGCONT)

            // The frozen process's results come back late, under leases another claim replaced.
            let refused = await eventually(timeout: .seconds(20), every: .milliseconds(100)) { frozen.log.contains("stale result refused") }
            #expect(refused, "\(frozen.log.suffix(3000))")
            var statuses: [String] = []
            let allSent = try await eventually(timeout: .seconds(30), every: .milliseconds(250)) {
                statuses = try await Crash.statuses(of: accepted, port: other.port)
                return statuses.allSatisfy { $0 == "sent" }
            }
            #expect(allSent, "\(Dictionary(grouping: statuses, by: { $0 }).mapValues(\.count))")
            #expect(Set(ledger.deliveries.keys) == Set(accepted))
            // Twice only what the frozen process had in flight (its 4 slots) — or what a loaded
            // machine timed out and rightly sent again, which its attempts show.
            let twice = ledger.deliveries.filter { $0.value > 1 }.map(\.key)
            var timedOut = 0
            for id in twice {
                let attempts = try await FaultInjectionProcessTests.attempts(id, port: other.port)
                if attempts.contains(where: { $0.objectValue?["error"]?.stringValue?.contains("timed out") == true }) { timedOut += 1 }
            }
            #expect(twice.count - timedOut <= 4, "\(twice.count) delivered twice, \(timedOut) of them after a timeout")
            #expect(await other.terminate() == 0)
            #expect(await frozen.terminate() == 0)
        }
    }
}
