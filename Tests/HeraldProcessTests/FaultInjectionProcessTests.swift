import Foundation
import HeraldCore
import HeraldTestSupport
import NIOHTTP1
import Testing

/// The fault-injection suite's receiver faults, on the real binaries (`herald serve` and
/// `herald sink`) over loopback: each accepted id is kept on the client side, each request per
/// `webhook-id` on the sink side, and after each run nothing accepted is missing and nothing
/// arrived twice. Every wait is bounded.
struct FaultInjectionProcessTests {
    typealias Crash = CrashRecoveryTests

    /// `herald serve` on a fresh SQLite file sending webhooks to `sink`, retrying quickly.
    static func server(sink: SinkProcess) async throws -> HeraldProcess {
        try await HeraldProcess(database: try TemporaryDirectory.make().appendingPathComponent("herald.sqlite").path, environment: [
            "HERALD_API_KEY": Crash.key, "HERALD_WEBHOOK_SECRET": Crash.secret, "HERALD_WEBHOOK_URL": sink.url,
            "HERALD_RETRY_SCHEDULE": "100ms,100ms,100ms,100ms,100ms,100ms,100ms,100ms", "HERALD_RETRY_MIN_THROTTLED_DELAY": "0s",
        ])
    }

    /// Accepts `count` messages; returns their ids.
    static func accept(_ count: Int, port: Int) async throws -> [String] {
        var ids: [String] = []
        for index in 0..<count {
            let (status, body) = try await ProviderChannelsProcessTests.call(
                .POST, "/api/v1/messages", port: port, key: Crash.key, body: #"{"channel": "webhook", "content": "fault \#(index)"}"#
            )
            guard status == .accepted, let id = body["id"]?.stringValue else { throw ProcessFailure(message: "not accepted: \(status) \(body)") }
            ids.append(id)
        }
        return ids
    }

    /// Each message's attempts as Herald logged them, oldest first.
    static func attempts(_ id: String, port: Int) async throws -> [JSONValue] {
        let (_, log) = try await ProviderChannelsProcessTests.call(.GET, "/api/v1/messages/\(id)/attempts", port: port, key: Crash.key)
        return log["attempts"]?.arrayValue ?? []
    }

    static func status(_ id: String, port: Int) async throws -> String? {
        try await ProviderChannelsProcessTests.call(.GET, "/api/v1/messages/\(id)", port: port, key: Crash.key).1["status"]?.stringValue
    }

    @Test(.timeLimit(.minutes(2)), arguments: [1, 3])
    func aReceiverFailingKTimesGetsExactlyKPlusOneAttempts(failures: Int) async throws {
        let sink = try await SinkProcess(secret: Crash.secret, options: ["--fail-first", "\(failures)", "--failure-status", "500"])
        let server = try await Self.server(sink: sink)
        let ids = try await Self.accept(20, port: server.port)
        let sent = try await eventually(timeout: .seconds(60), every: .milliseconds(100)) {
            try await sink.stats()["unique_delivered"]?.integerValue == ids.count
        }
        #expect(sent)
        let requests = try await sink.attempts()
        #expect(Set(requests.keys) == Set(ids), "every accepted id, and nothing else")
        #expect(requests.values.allSatisfy { $0 == failures + 1 }, "\(requests.values.sorted())")
        #expect(try await sink.stats()["duplicates"]?.integerValue == 0)
        for id in ids.prefix(3) {
            let logged = try await Self.attempts(id, port: server.port)
            #expect(logged.map { $0["http_status"]?.integerValue } == Array(repeating: 500, count: failures) + [200])
        }
        #expect(await server.terminate() == 0)
        await sink.terminate()
    }

    @Test(.timeLimit(.minutes(2)))
    func aReceiversRetryAfterIsWaitedOut() async throws {
        let sink = try await SinkProcess(secret: Crash.secret, options: ["--fail-first", "1", "--failure-status", "429", "--retry-after", "2"])
        let server = try await Self.server(sink: sink)
        let ids = try await Self.accept(5, port: server.port)
        let sent = try await eventually(timeout: .seconds(30), every: .milliseconds(100)) {
            try await sink.stats()["unique_delivered"]?.integerValue == ids.count
        }
        #expect(sent)
        for id in ids {
            let starts = try await Self.attempts(id, port: server.port).compactMap { $0["started_at"]?.stringValue.flatMap(Timestamp.parse) }
            #expect(starts.count == 2)
            if starts.count == 2 {
                #expect(starts[1].timeIntervalSince(starts[0]) >= 1.95, "the retry came \(starts[1].timeIntervalSince(starts[0])) s after a Retry-After of 2")
            }
        }
        #expect(await server.terminate() == 0)
        await sink.terminate()
    }

    @Test(.timeLimit(.minutes(2)))
    func aGoneReceiverFailsTheMessageAfterOneAttempt() async throws {
        let sink = try await SinkProcess(secret: Crash.secret, options: ["--status", "410"])
        let server = try await Self.server(sink: sink)
        let ids = try await Self.accept(5, port: server.port)
        let failed = try await eventually(timeout: .seconds(30), every: .milliseconds(100)) {
            var all = true
            for id in ids where try await Self.status(id, port: server.port) != "failed" { all = false }
            return all
        }
        #expect(failed)
        #expect(try await sink.attempts().values.allSatisfy { $0 == 1 })
        for id in ids { #expect(try await Self.attempts(id, port: server.port).count == 1) }
        #expect(await server.terminate() == 0)
        await sink.terminate()
    }

    /// The receiver is down for a while (5 s here; the long run in docs/RELIABILITY.md keeps it
    /// down 60 s): the retries keep going within their schedule, nothing is lost, and the backlog
    /// drains once it is back — each message delivered once.
    @Test(.timeLimit(.minutes(2)))
    func aReceiverDownForAWhileLosesNothing() async throws {
        let first = try await SinkProcess(secret: Crash.secret)
        let port = first.port
        let server = try await HeraldProcess(database: try TemporaryDirectory.make().appendingPathComponent("herald.sqlite").path, environment: [
            "HERALD_API_KEY": Crash.key, "HERALD_WEBHOOK_SECRET": Crash.secret, "HERALD_WEBHOOK_URL": first.url,
            // The default timeout: a refused connection needs none, and a short one on a loaded
            // machine would time out sends that arrived (a legitimate duplicate, not this test's).
            "HERALD_RETRY_SCHEDULE": "200ms,500ms,1s,2s,2s,2s,2s,2s,2s,2s,2s,2s",
        ])
        await first.terminate()
        let ids = try await Self.accept(30, port: server.port)
        try await Task.sleep(for: .seconds(5))
        // Nothing could be delivered; nothing has failed for good.
        for id in ids.prefix(5) {
            let status = try await Self.status(id, port: server.port)
            #expect(status == "queued" || status == "sending", "\(status ?? "-")")
        }
        let back = try await SinkProcess(secret: Crash.secret, port: port)
        let drained = try await eventually(timeout: .seconds(60), every: .milliseconds(200)) {
            try await back.stats()["unique_delivered"]?.integerValue == ids.count
        }
        #expect(drained)
        #expect(Set(try await back.attempts().keys) == Set(ids))
        #expect(try await back.stats()["duplicates"]?.integerValue == 0)
        for id in ids.prefix(5) {
            let attempts = try await Self.attempts(id, port: server.port)
            #expect(attempts.count >= 2 && attempts.count <= 13, "retries are bounded by the schedule: \(attempts.count)")
        }
        #expect(await server.terminate() == 0)
        await back.terminate()
    }

    /// Between Herald and the receiver, the suite's proxy resets every connection (the open ones
    /// mid-request), then stalls them past Herald's timeout, then passes again: every message
    /// arrives, signed, and one arrives twice only when a reset or a timeout hit it in flight.
    @Test(.timeLimit(.minutes(4)))
    func resetAndStalledConnectionsLoseNothing() async throws {
        // About 20 a second get through: the faults land long before the 600 are delivered,
        // even when a loaded machine runs this test's own polling late.
        let sink = try await SinkProcess(secret: Crash.secret, options: ["--delay", "200ms"])
        let proxy = try FaultProxy(upstreamPort: sink.port)
        defer { proxy.stop() }
        let server = try await HeraldProcess(database: try TemporaryDirectory.make().appendingPathComponent("herald.sqlite").path, environment: [
            "HERALD_API_KEY": Crash.key, "HERALD_WEBHOOK_SECRET": Crash.secret, "HERALD_WEBHOOK_URL": proxy.url("/hook"),
            "HERALD_WEBHOOK_TIMEOUT": "1s", "HERALD_DISPATCH_CONCURRENCY": "4",
            "HERALD_RETRY_SCHEDULE": "200ms,500ms,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s", "HERALD_RETRY_MIN_THROTTLED_DELAY": "0s",
        ])
        let ids = try await Self.accept(600, port: server.port)
        let started = try await eventually(timeout: .seconds(30), every: .milliseconds(20)) {
            (try await sink.stats()["unique_delivered"]?.integerValue ?? 0) >= 10
        }
        #expect(started)
        proxy.set(.reset)
        try await Task.sleep(for: .milliseconds(1500))
        proxy.set(.stall)
        try await Task.sleep(for: .milliseconds(2500))
        let beforeRecovery = try await sink.stats()["unique_delivered"]?.integerValue ?? 0
        #expect(beforeRecovery < ids.count, "the faults came after delivery had finished; nothing was tested")
        proxy.set(.pass)
        let all = try await eventually(timeout: .seconds(150), every: .milliseconds(200)) {
            try await sink.stats()["unique_delivered"]?.integerValue == ids.count
        }
        let stats = try await sink.stats()
        #expect(all, "\(stats)")
        #expect(Set(try await sink.deliveriesByID().keys) == Set(ids), "every accepted id, and nothing else")
        #expect(stats["invalid_signatures"]?.integerValue == 0)
        // A copy twice only for what was in flight when a fault hit: at most the concurrency, for each of the two faults.
        let duplicates = stats["duplicates"]?.integerValue ?? 0
        print("faults: \(ids.count) messages through resets and stalls, \(duplicates) delivered twice")
        #expect(duplicates <= 8)
        for id in ids.prefix(20) { #expect(try await Self.status(id, port: server.port) == "sent") }
        #expect(await server.terminate() == 0)
        await sink.terminate()
    }
}
