import AsyncHTTPClient
import Foundation
import HTTPTypes
import HeraldCore
import HeraldTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension HeavyLoad {
    /// Two servers on one PostgreSQL database; one is stopped (`SIGSTOP`) for longer than
    /// `database.process_timeout` mid-run, so the other expires its leases and sends its messages.
    /// When it is continued it must send nothing more until it has registered again: a message goes
    /// out twice only when the stopped process had it in flight at the moment it stopped, or when an
    /// attempt shows a timeout or a reset (issue 22, item 4).
    @Suite(.enabled(if: PostgresFixture.isEnabled))
    struct SilentProcessProcessTests {
        typealias Crash = CrashRecoveryTests

        static let messages = 3_000
        static let concurrency = 8

        @Test(.timeLimit(.minutes(4)))
        func aProcessStoppedPastItsTimeoutSendsNothingTwiceButWhatItHadInFlight() async throws {
            let databaseURL = try await PostgresFixture.databaseURL(schemaPrefix: "silent")
            let receiver = RecordingReceiver(answers: [.init(delay: .milliseconds(50))])
            try await receiver.run { receiverURL in
                // Defaults for the lease (30 s) and the process timeout (10 s): the gap the issue names.
                let environment = [
                    "HERALD_DATABASE_URL": databaseURL, "HERALD_API_KEY": Crash.key, "HERALD_WEBHOOK_SECRET": Crash.secret,
                    "HERALD_WEBHOOK_URL": receiverURL, "HERALD_ALLOWED_NETWORKS": "127.0.0.0/8",
                    "HERALD_DISPATCH_CONCURRENCY": "\(Self.concurrency)", "HERALD_ADMIN_KEY": "cluster-admin-key",
                    // Accept everything first, so the stop surely lands mid-delivery.
                    "HERALD_DISPATCHER_PAUSED": "true",
                ]
                let stopped = try await HeraldProcess(database: nil, environment: environment)
                defer {
                    if stopped.process.isRunning {
                        kill(stopped.process.processIdentifier, SIGCONT)
                        stopped.kill9()
                    }
                }
                let other = try await HeraldProcess(database: nil, environment: environment)

                let accepted = try await HeavyLoad.ClusterTests.accept(Self.messages, ports: [stopped.port, other.port])
                try await HeavyLoad.ClusterTests.startScheduler(port: other.port)
                let midRun = await eventually(timeout: .seconds(90), every: .milliseconds(5)) { receiver.count >= Self.messages / 5 }
                #expect(midRun)
                kill(stopped.process.processIdentifier, SIGSTOP)
                let stoppedAt = ContinuousClock.now
                try await Task.sleep(for: .seconds(15))
                kill(stopped.process.processIdentifier, SIGCONT)

                let all = Set(accepted)
                let delivered = await eventually(timeout: .seconds(90), every: .milliseconds(200)) {
                    Set(receiver.requests.compactMap { $0.headers[.init("webhook-id")!] }).isSuperset(of: all)
                }
                #expect(delivered, "\(receiver.count) requests for \(all.count) messages")
                // What the continued process might still send late would arrive now.
                try await Task.sleep(for: .seconds(3))

                let byID = Dictionary(grouping: receiver.requests) { $0.headers[.init("webhook-id")!] ?? "" }
                let twice = byID.filter { $0.value.count > 1 }
                var inFlightAtStop = 0
                var unexplained: [String] = []
                for (id, copies) in twice {
                    let attempts = try await FaultInjectionProcessTests.attempts(id, port: other.port)
                    let timedOutOrReset = attempts.contains { attempt in
                        let error = attempt.objectValue?["error"]?.stringValue ?? ""
                        return error.contains("timed out") || error.contains("connection closed") || error.contains("reset")
                    }
                    if timedOutOrReset { continue }
                    // In flight at the stop: it reached the receiver within one answer's time of it
                    // (the stopped process never read the answer); its second copy came from the
                    // other process once the stopped one's leases expired.
                    let first = copies.map(\.at).min()!
                    if first > stoppedAt - .seconds(1), first < stoppedAt + .milliseconds(500) {
                        inFlightAtStop += 1
                    } else {
                        unexplained.append(id)
                    }
                }
                #expect(unexplained.isEmpty, "sent twice with no stop, timeout or reset to explain it: \(unexplained.prefix(10))")
                #expect(inFlightAtStop <= Self.concurrency, "\(inFlightAtStop) in flight at the stop, with \(Self.concurrency) slots")
                print("silent process: \(accepted.count) accepted, \(receiver.count) requests, \(twice.count) twice (\(inFlightAtStop) in flight at the stop)")
                #expect(await other.terminate() == 0)
                #expect(await stopped.terminate() == 0)
            }
        }
    }
}
